package dev.wengert.optim;

/** Number and point formatting shared by results, progress lines and errors. */
final class Format {
    private Format() {
    }

    /** A point as (x0, x1, …), eliding the middle of long vectors so a summary stays one line. */
    static String point(double[] x, int max) {
        if (x == null || x.length == 0) {
            return "()";
        }
        StringBuilder sb = new StringBuilder("(");
        int shown = x.length <= max ? x.length : max - 1;
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(x[i]);
        }
        if (shown < x.length) {
            sb.append(", … ").append(x.length - shown - 1).append(" more …, ").append(x[x.length - 1]);
        }
        return sb.append(')').toString();
    }

    /** Four significant digits, trailing zeros dropped (1e-06, 3.089e-09, 0.25): for progress lines and reasons. */
    static String g(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        String s = String.format(java.util.Locale.ROOT, "%.4g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return mantissa + exponent;
    }
}
