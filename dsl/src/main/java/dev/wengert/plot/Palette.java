package dev.wengert.plot;

import java.awt.Color;

/**
 * Colours: viridis for values (perceptually even and readable in grey and by most colour-blind
 * readers, so a cost surface's shape is not invented by the palette), and one short list of
 * distinct colours for series, the same in every kind of plot ({@link SeriesColours} decides
 * which series gets which).
 */
final class Palette {
    private Palette() {
    }

    // viridis at 9 evenly spaced stops (matplotlib's table); interpolated linearly in between
    private static final int[] VIRIDIS = {
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725
    };

    /**
     * Series colours: matplotlib's "tab10" set, red and blue first. Each is dark enough to read on
     * white; over a viridis map, lines are drawn on a white halo so any of them stands out.
     */
    private static final Color[] SERIES = {
        new Color(0xD6, 0x27, 0x28), // red
        new Color(0x1F, 0x77, 0xB4), // blue
        new Color(0xFF, 0x7F, 0x0E), // orange
        new Color(0x2C, 0xA0, 0x2C), // green
        new Color(0x94, 0x67, 0xBD), // purple
        new Color(0x8C, 0x56, 0x4B), // brown
        new Color(0xE3, 0x77, 0xC2), // pink
        new Color(0x17, 0xBE, 0xCF), // cyan
        new Color(0xBC, 0xBD, 0x22), // olive
        new Color(0x7F, 0x7F, 0x7F), // grey
    };

    /** How many series colours there are before they repeat. */
    static final int SERIES_COUNT = SERIES.length;

    /** viridis at t ∈ [0, 1] (clamped). */
    static Color viridis(double t) {
        return new Color(viridisRgb(t));
    }

    static int viridisRgb(double t) {
        if (!(t > 0)) {
            t = 0;
        } else if (t > 1) {
            t = 1;
        }
        double u = t * (VIRIDIS.length - 1);
        int i = Math.min((int) u, VIRIDIS.length - 2);
        double f = u - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        int r = mix(a >> 16 & 0xFF, b >> 16 & 0xFF, f);
        int g = mix(a >> 8 & 0xFF, b >> 8 & 0xFF, f);
        int bl = mix(a & 0xFF, b & 0xFF, f);
        return r << 16 | g << 8 | bl;
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /** The k-th series colour on white. */
    static Color series(int k) {
        return SERIES[Math.floorMod(k, SERIES.length)];
    }

}
