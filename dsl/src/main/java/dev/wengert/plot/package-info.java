/**
 * Plots as values: each renders to SVG ({@code svg()}), PNG ({@code png(w, h)}) or a file by
 * extension ({@code save("x.svg")}), shows inline in notebooks through
 * {@link dev.wengert.display.Displayable} (HTML with the SVG inline, SVG, PNG, one line of text),
 * and in plain JShell {@code show()} writes a temporary PNG and prints its path.
 *
 * <pre>{@code
 * contour(J, -4, 6, -1, 6).path(minimize(J, -3, 5)).save("cost.png");   // the cost surface and a descent
 * lossCurve(run1, run2).logScale();                                    // objective per iteration
 * plot(x -> sin(x), 0, 6.3).withDerivatives(2);                        // f, f′, f″ by the DSL
 * fitPlot(fit); residualPlot(fit);                                     // data, fit, bands; residuals
 * graph(z);                                                            // the recorded computation of z
 * }</pre>
 *
 * <p>Charts are drawn by JFreeChart onto JFreeSVG's or AWT's {@code Graphics2D} (why these,
 * see {@link dev.wengert.plot.ChartPlot}); what no library offers is written here, small and
 * tested: contour lines by marching squares ({@code MarchingSquares}) and the layered layout
 * of a tape ({@link dev.wengert.plot.TapeGraph}). Everything runs headless.
 */
package dev.wengert.plot;
