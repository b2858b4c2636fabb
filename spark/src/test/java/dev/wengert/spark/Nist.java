package dev.wengert.spark;

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
 * The little of a NIST StRD file these tests need (start 1, certified values, the data), read
 * from {@code shared/data/nist} as the dsl's NistFile does; the files are never copied.
 */
record Nist(double[] start, double[] certified, double[] y, double[][] x) {
    private static final Pattern PARAM = Pattern.compile("^\\s*b(\\d+)\\s*=\\s*(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s*$");

    static Nist read(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(folder().resolve(name + ".dat"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<double[]> params = new ArrayList<>();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            Matcher m = PARAM.matcher(line);
            if (m.matches()) {
                params.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4))});
            } else if (line.startsWith("Data:") && line.substring(5).strip().startsWith("y")) {
                header = i;
            }
        }
        double[] start = new double[params.size()];
        double[] certified = new double[params.size()];
        for (int j = 0; j < start.length; j++) {
            start[j] = params.get(j)[0];
            certified[j] = params.get(j)[1];
        }
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            String s = line.strip();
            if (!s.isEmpty()) {
                String[] parts = s.split("\\s+");
                double[] v = new double[parts.length];
                for (int c = 0; c < v.length; c++) {
                    v[c] = Double.parseDouble(parts[c]);
                }
                rows.add(v);
            }
        }
        double[] y = new double[rows.size()];
        double[][] x = new double[rows.size()][];
        for (int i = 0; i < y.length; i++) {
            y[i] = rows.get(i)[0];
            x[i] = java.util.Arrays.copyOfRange(rows.get(i), 1, rows.get(i).length);
        }
        return new Nist(start, certified, y, x);
    }

    private static Path folder() {
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data").resolve("nist");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/data/nist above " + Paths.get("").toAbsolutePath());
    }
}
