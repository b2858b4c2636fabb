package dev.wengert.plot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which colour a labelled series gets: the colour follows the label from plot to plot.
 *
 * <p>The first time a label is drawn in this JVM (a notebook's kernel, a JShell session) it
 * takes the next colour of the palette, and keeps it in every later plot. So an optimization
 * run, labelled by its method ({@code "gradient descent (rate 0.1)"}), is drawn in the same
 * colour in {@code contour(…).path(gd, bfgs)} and in {@code lossCurve(gd, bfgs)}, whatever the
 * order of the runs or of the plots. Two series of one plot never share a colour while the
 * palette has one to spare: once more labels than colours have been seen, a label whose
 * colour is already taken in the plot moves to the next free one.
 *
 * <p>Plots whose series have fixed roles (a fit and its data, a function and its derivatives)
 * choose their colours by role instead.
 */
final class SeriesColours {
    /** Labels remembered; beyond this, new labels are coloured by their hash (nothing grows without bound). */
    static final int REMEMBERED = 1024;

    private static final Map<String, Integer> ORDER = new HashMap<>();

    private SeriesColours() {
    }

    /**
     * Palette indexes for the labels of one plot, in the same order; equal labels get equal
     * colours (a run and its gradient norm), different labels different ones while the palette
     * lasts.
     */
    static int[] of(List<String> labels) {
        int[] out = new int[labels.size()];
        boolean[] taken = new boolean[Palette.SERIES_COUNT];
        Map<String, Integer> inPlot = new HashMap<>();
        int free = Palette.SERIES_COUNT;
        for (int k = 0; k < out.length; k++) {
            String label = labels.get(k) == null ? "" : labels.get(k);
            Integer same = inPlot.get(label);
            if (same != null) {
                out[k] = same;
                continue;
            }
            int c = Math.floorMod(first(label), Palette.SERIES_COUNT);
            while (free > 0 && taken[c]) {
                c = (c + 1) % Palette.SERIES_COUNT;
            }
            if (!taken[c]) {
                taken[c] = true;
                free--;
            }
            inPlot.put(label, c);
            out[k] = c;
        }
        return out;
    }

    /** The label's place in the order labels were first drawn. */
    private static synchronized int first(String label) {
        Integer k = ORDER.get(label);
        if (k != null) {
            return k;
        }
        if (ORDER.size() >= REMEMBERED) {
            return label.hashCode();
        }
        ORDER.put(label, ORDER.size());
        return ORDER.size() - 1;
    }
}
