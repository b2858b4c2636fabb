package dev.wengert.fit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NIST StRD nonlinear regression file (the original .dat, CRLF line endings): both start
 * points, the certified values and standard deviations, the certified residual sum of squares
 * and the data ({@code y} then the predictors).
 */
record NistFile(String name, double[][] starts, double[] certified, double[] certifiedSd, double certifiedRss,
                double certifiedRsd, double[] y, double[][] x) {

    private static final Pattern PARAM = Pattern.compile(
            "^\\s*b(\\d+)\\s*=\\s*(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");

    /** The folder of the NIST files: {@code shared/data/nist} in this directory or the nearest one above it. */
    static Path folder() {
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data").resolve("nist");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/data/nist folder in " + Paths.get("").toAbsolutePath()
                + " or any folder above it; the NIST StRD files are expected in ../shared/data/nist/ of the repository");
    }

    static List<String> names() {
        try (var s = Files.list(folder())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".dat"))
                    .map(f -> f.substring(0, f.length() - 4))
                    .sorted(String.CASE_INSENSITIVE_ORDER)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NistFile read(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(folder().resolve(name + ".dat"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<double[]> params = new ArrayList<>();
        double rss = Double.NaN;
        double rsd = Double.NaN;
        int dataHeader = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher m = PARAM.matcher(line);
            if (m.matches()) {
                params.add(new double[] {num(m.group(2)), num(m.group(3)), num(m.group(4)), num(m.group(5))});
            } else if (line.startsWith("Residual Sum of Squares:")) {
                rss = num(line.substring(line.indexOf(':') + 1).strip());
            } else if (line.startsWith("Residual Standard Deviation:")) {
                rsd = num(line.substring(line.indexOf(':') + 1).strip());
            } else if (line.startsWith("Data:") && line.substring(5).strip().startsWith("y")) {
                // the column header of the data block (the earlier "Data:" line describes them)
                dataHeader = i;
            }
        }
        if (params.isEmpty() || dataHeader < 0 || Double.isNaN(rss)) {
            throw new IllegalStateException(name + ".dat: could not find the parameters, RSS or data block");
        }
        int k = params.size();
        double[][] starts = new double[2][k];
        double[] cert = new double[k];
        double[] sd = new double[k];
        for (int j = 0; j < k; j++) {
            starts[0][j] = params.get(j)[0];
            starts[1][j] = params.get(j)[1];
            cert[j] = params.get(j)[2];
            sd[j] = params.get(j)[3];
        }
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(dataHeader + 1, lines.size())) {
            String s = line.strip();
            if (!s.isEmpty()) {
                String[] parts = s.split("\\s+");
                double[] v = new double[parts.length];
                for (int c = 0; c < parts.length; c++) {
                    v[c] = num(parts[c]);
                }
                rows.add(v);
            }
        }
        double[] y = new double[rows.size()];
        double[][] x = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            double[] r = rows.get(i);
            y[i] = r[0];
            x[i] = java.util.Arrays.copyOfRange(r, 1, r.length);
        }
        return new NistFile(name, starts, cert, sd, rss, rsd, y, x);
    }

    private static double num(String s) {
        return Double.parseDouble(s);
    }

    int parameters() {
        return certified.length;
    }

    /**
     * LRE = −log₁₀(|estimate − certified| / |certified|), capped at the 11 certified digits and
     * floored at 0 (NaN, a failed fit, scores 0).
     */
    static double lre(double estimate, double certified) {
        if (Double.isNaN(estimate)) {
            return 0;
        }
        double err = Math.abs(estimate - certified);
        if (err == 0) {
            return 11;
        }
        double v = -Math.log10(err / Math.abs(certified));
        return Math.max(0, Math.min(11, v));
    }
}
