package dev.wengert.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * The objective per iteration of one or more optimization runs, overlaid; optionally the
 * gradient norm too (dashed, on the right-hand axis), and a log scale, on which linear
 * convergence is a straight line.
 *
 * <pre>{@code
 * new LossCurvePlot().run("my loop", new double[] {10, 4, 1.8, 0.9, 0.5}).logY().save("loss.svg");
 * }</pre>
 */
public final class LossCurvePlot extends SeriesPlot<LossCurvePlot> {
    private record Run(String label, double[] iteration, double[] value, double[] gradientNorm) {
    }

    private final List<Run> runs = new ArrayList<>();
    private boolean showGradientNorm;

    /** An empty loss curve; add runs with {@link #run}. */
    public LossCurvePlot() {
        labels("iteration", "objective");
    }

    /**
     * The loss curves of optimization runs, labelled by method.
     *
     * <pre>{@code
     * Fn f = x -> square(x[0].minus(3)).plus(square(x[1].times(10)));
     * LossCurvePlot.of(minimize(f, 0, 1), minimize(f, new double[] {0, 1}, gradientDescent(0.005))).logScale();
     * }</pre>
     */
    public static LossCurvePlot of(dev.wengert.optim.OptimizationResult... runs) {
        if (runs == null || runs.length == 0) {
            throw new IllegalArgumentException("lossCurve(): give at least one OptimizationResult");
        }
        LossCurvePlot p = new LossCurvePlot();
        for (dev.wengert.optim.OptimizationResult r : runs) {
            p.run(r);
        }
        return p;
    }

    /** Adds an optimization run: its value and gradient norm per iteration, labelled by its method. */
    public LossCurvePlot run(dev.wengert.optim.OptimizationResult r) {
        if (r == null) {
            throw new IllegalArgumentException("lossCurve(…): one of the runs is null");
        }
        List<dev.wengert.optim.Iteration> h = r.history();
        double[] it = new double[h.size()], v = new double[h.size()], g = new double[h.size()];
        for (int k = 0; k < it.length; k++) {
            it[k] = h.get(k).iteration();
            v[k] = h.get(k).value();
            g[k] = h.get(k).gradientNorm();
        }
        return run(r.method(), it, v, g);
    }

    /** Adds a run: the objective at iterations 0, 1, 2, …. */
    public LossCurvePlot run(String label, double[] values) {
        double[] it = new double[values.length];
        for (int i = 0; i < it.length; i++) {
            it[i] = i;
        }
        return run(label, it, values, null);
    }

    /**
     * Adds a run with explicit iteration numbers and, optionally (null), gradient norms.
     */
    public LossCurvePlot run(String label, double[] iterations, double[] values, double[] gradientNorms) {
        checkSameLength("run(\"" + label + "\", iterations, values)", iterations, values);
        if (gradientNorms != null) {
            checkSameLength("run(\"" + label + "\", iterations, gradientNorms)", iterations, gradientNorms);
        }
        String name = label == null ? "run " + (runs.size() + 1) : label;
        // two runs of one method get "(2)" as contour(…).path(…) names them, so both plots colour them alike
        String unique = name;
        for (int n = 2; labelTaken(unique); n++) {
            unique = name + " (" + n + ")";
        }
        runs.add(new Run(unique, iterations.clone(), values.clone(), gradientNorms == null ? null : gradientNorms.clone()));
        return this;
    }

    private boolean labelTaken(String label) {
        return runs.stream().anyMatch(r -> r.label().equals(label));
    }

    /** Also draws each run's gradient norm, dashed, on the right-hand axis. */
    public LossCurvePlot withGradientNorm() {
        showGradientNorm = true;
        return this;
    }

    /** A log scale for the objective (and the gradient norm): the usual view of convergence. */
    public LossCurvePlot logScale() {
        return logY();
    }

    /**
     * One series per run, coloured by its label: the same run has the same colour here and in
     * {@code contour(…).path(…)}; its gradient norm shares it.
     */
    @Override
    public List<Series> series() {
        int[] colour = SeriesColours.of(runs.stream().map(Run::label).toList());
        List<Series> out = new ArrayList<>();
        for (int k = 0; k < runs.size(); k++) {
            Run r = runs.get(k);
            out.add(new Series(r.label(), r.iteration(), r.value(),
                    r.value().length <= 40 ? Style.LINE_POINTS : Style.LINE, 0, colour[k]));
        }
        if (showGradientNorm) {
            for (int k = 0; k < runs.size(); k++) {
                Run r = runs.get(k);
                if (r.gradientNorm() != null) {
                    out.add(new Series(r.label() + " ‖∇f‖", r.iteration(), r.gradientNorm(), Style.DASHED, 1, colour[k]));
                }
            }
        }
        return out;
    }

    @Override
    boolean integerX() {
        return true;
    }

    @Override
    String secondAxisLabel() {
        return "gradient norm";
    }

    @Override
    protected String describe() {
        StringBuilder sb = new StringBuilder("LossCurvePlot[");
        for (int k = 0; k < runs.size(); k++) {
            Run r = runs.get(k);
            double[] v = r.value();
            sb.append(k == 0 ? "" : ", ").append(r.label()).append(": ").append(v.length).append(" iterations");
            if (v.length > 0) {
                sb.append(", final ").append(Levels.label(v[v.length - 1]));
            }
        }
        return sb.append(isLogY() ? ", log scale]" : "]").toString();
    }
}
