package dev.wengert.compile;

/**
 * A decision the recorded program took on a recorded value: a comparison (gt, lt, ge, le, eq, ne)
 * or a raw read of the value. A compiled tape checks every guard after each replay; when one
 * would come out differently, the program is recorded again.
 */
record Guard(int a, int b, double c, byte kind, boolean outcome) {
    static final byte GT = 0;
    static final byte LT = 1;
    static final byte GE = 2;
    static final byte LE = 3;
    static final byte EQ = 5;
    static final byte NE = 6;
    /** The program read the exact value (Num.value()): any change invalidates the recording. */
    static final byte READ = 4;

    /** Whether the decision still comes out the same with the current values. */
    boolean holds(double[] values) {
        double x = values[a];
        if (kind == READ) {
            return Double.compare(x, c) == 0;
        }
        double y = b >= 0 ? values[b] : c;
        boolean r = switch (kind) {
            case GT -> x > y;
            case LT -> x < y;
            case GE -> x >= y;
            case EQ -> x == y;
            case NE -> x != y;
            default -> x <= y;
        };
        return r == outcome;
    }
}
