package dev.wengert.fit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The printed forms of a {@link FitResult}: R's {@code summary(nls)} layout, as text and HTML. */
final class Summary {
    private static final double LEVEL = 0.95;
    private static final String[] HEADER = {"", "Estimate", "Std. Error", "t value", "Pr(>|t|)", "", "2.5 %", "97.5 %"};
    /** With known σᵢ (absolute sigma) the statistics are z values, as R prints them for a known dispersion. */
    private static final String[] HEADER_Z = {"", "Estimate", "Std. Error", "z value", "Pr(>|z|)", "", "2.5 %", "97.5 %"};

    private Summary() {
    }

    static String text(FitResult r) {
        List<String[]> rows = table(r);
        int cols = HEADER.length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(title(r)).append("\n\nParameters:\n");
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String cell = row[c];
                // names and significance stars flush left, numbers flush right
                boolean left = c == 0 || c == 5;
                String pad = " ".repeat(width[c] - cell.length());
                line.append(c == 0 ? "" : c == 5 ? " " : "  ").append(left ? cell + pad : pad + cell);
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }
        s.append("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
        for (String line : footer(r)) {
            s.append(line).append('\n');
        }
        return s.toString();
    }

    static String html(FitResult r) {
        List<String[]> rows = table(r);
        StringBuilder s = new StringBuilder("<div class=\"wengert-fit\">\n<p><b>")
                .append(escape(title(r))).append("</b></p>\n<table>\n<thead><tr>");
        for (String h : header(r)) {
            s.append("<th>").append(escape(h)).append("</th>");
        }
        s.append("</tr></thead>\n<tbody>\n");
        for (String[] row : rows.subList(1, rows.size())) {
            s.append("<tr>");
            for (int c = 0; c < row.length; c++) {
                s.append(c == 0 ? "<th>" : "<td style=\"text-align:right\">").append(escape(row[c]))
                        .append(c == 0 ? "</th>" : "</td>");
            }
            s.append("</tr>\n");
        }
        s.append("</tbody>\n</table>\n");
        for (String line : footer(r)) {
            s.append("<p>").append(escape(line)).append("</p>\n");
        }
        return s.append("</div>").toString();
    }

    private static String[] header(FitResult r) {
        return r.absoluteSigma() ? HEADER_Z : HEADER;
    }

    private static String title(FitResult r) {
        String kind = r.loss() == Loss.LINEAR ? "Nonlinear least squares" : "Robust nonlinear fit ("
                + r.loss().scipyName() + " loss)";
        String of = r.datasets() > 1 && r.datasetShown() < 0 ? "global fit of " + r.datasets() + " datasets"
                : r.responseName() + " ~ model(" + String.join(", ", r.predictorNames()) + "; "
                        + String.join(", ", r.parameterNames()) + ")";
        String part = r.datasetShown() >= 0 && r.datasets() > 1
                ? " — dataset " + r.datasetShown() + " of a global fit of " + r.datasets() : "";
        return kind + ": " + of + part + (r.weighted() ? ", weighted" : "")
                + (r.absoluteSigma() ? " (σ known: absolute sigma)" : "");
    }

    private static List<String[]> table(FitResult r) {
        List<String[]> rows = new ArrayList<>();
        rows.add(header(r));
        String[] names = r.parameterNames();
        double[] est = r.parameters();
        double[] se = r.standardErrors();
        double[] t = r.tValues();
        double[] pv = r.pValues();
        double[][] ci = r.confidenceIntervals(LEVEL);
        ParameterStatus[] st = r.parameterStatus();
        for (int j = 0; j < est.length; j++) {
            if (st[j] != ParameterStatus.ESTIMATED) {
                // no standard error is claimed for a parameter that was not estimated
                rows.add(new String[] {names[j], num(est[j]), "(" + st[j].label() + ")", "", "", "", "", ""});
                continue;
            }
            rows.add(new String[] {names[j], num(est[j]), num(se[j]), fixed(t[j]), pValue(pv[j]), stars(pv[j]),
                    num(ci[j][0]), num(ci[j][1])});
        }
        return rows;
    }

    private static List<String> footer(FitResult r) {
        List<String> lines = new ArrayList<>();
        lines.add((r.loss() == Loss.LINEAR ? "Residual standard error: " : "Residual scale √(Σ C²ρ / (n − p)): ")
                + num(r.residualStandardError()) + " on " + r.degreesOfFreedom() + " degrees of freedom"
                + (r.absoluteSigma() ? " (not used: the σᵢ are taken as known)" : ""));
        lines.add("Residual sum of squares: " + num(r.residualSumOfSquares()) + ",  R²: " + fixed4(r.rSquared())
                + (r.loss() == Loss.LINEAR ? ",  AIC: " + fixed(r.aic()) + ",  BIC: " + fixed(r.bic())
                : ",  cost ½·Σ C²ρ: " + num(r.cost()) + " (no likelihood for a robust loss)"));
        lines.add("Observations: " + r.observations()
                + (r.rowsDropped() > 0 ? " (" + r.rowsDropped() + " with missing values left out)" : ""));
        lines.add((r.converged() ? "Number of iterations to convergence: " : "Number of iterations (NOT converged): ")
                + r.iterations() + ", model evaluations (each with its Jacobian): " + r.evaluations());
        lines.add("Achieved convergence tolerance: " + String.format(Locale.ROOT, "%.3g", r.convergenceTolerance()));
        String reason = r.reason();
        int cut = reason.indexOf("; WARNING: ");
        lines.add((r.converged() ? "" : "WARNING: ") + capitalize(cut < 0 ? reason : reason.substring(0, cut)));
        for (String w : r.warnings()) {
            lines.add("WARNING: " + capitalize(w));
        }
        return lines;
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.5e", v);
        }
        return stripZeros(String.format(Locale.ROOT, "%.6g", v));
    }

    private static String fixed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : String.valueOf(v);
    }

    private static String fixed4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.5f", v) : String.valueOf(v);
    }

    private static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "NaN";
        }
        // as R: below 2e-16 the number is rounding noise
        return p < 2e-16 ? "< 2e-16" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static String stars(double p) {
        return Double.isNaN(p) ? "" : p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : "";
    }

    private static String stripZeros(String s) {
        if (s.contains("e") || !s.contains(".")) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
