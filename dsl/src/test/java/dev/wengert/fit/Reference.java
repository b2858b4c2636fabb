package dev.wengert.fit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reference values and data sets computed offline by the scripts in
 * {@code src/test/resources/reference/} (R's nls, scipy, lmfit; versions in each file's header),
 * read from the test classpath: the tests need neither R nor Python.
 */
final class Reference {
    private final Properties values = new Properties();
    private final String file;

    private Reference(String file) {
        this.file = file;
        try (InputStream in = open(file)) {
            values.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** r-nls.properties (nls_reference.R). */
    static Reference nls() {
        return new Reference("r-nls.properties");
    }

    /** scipy.properties (scipy_reference.py). */
    static Reference scipy() {
        return new Reference("scipy.properties");
    }

    double get(String key) {
        String v = values.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("no " + key + " in " + file + "; re-run the scripts in src/test/resources/reference");
        }
        return Double.parseDouble(v.trim());
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    /** A CSV of numbers with a header row, by column name. */
    static Map<String, double[]> csv(String name) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(name), StandardCharsets.UTF_8))) {
            String[] head = r.readLine().replace("\"", "").split(",");
            List<double[]> rows = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                double[] row = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    row[j] = Double.parseDouble(f[j]);
                }
                rows.add(row);
            }
            Map<String, double[]> cols = new LinkedHashMap<>();
            for (int j = 0; j < head.length; j++) {
                double[] c = new double[rows.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = rows.get(i)[j];
                }
                cols.put(head[j], c);
            }
            return cols;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String name) {
        InputStream in = Reference.class.getResourceAsStream("/reference/" + name);
        if (in == null) {
            throw new IllegalStateException("no /reference/" + name + " on the test classpath");
        }
        return in;
    }
}
