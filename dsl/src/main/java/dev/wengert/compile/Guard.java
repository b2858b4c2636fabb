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
        return test(kind, x, kind == READ || b < 0 ? c : values[b]) == outcome;
    }

    /** The kind of guard for a comparison's name as Num reports it (gt, lt, ge, le, eq, ne). */
    static byte kind(String cmp) {
        return switch (cmp) {
            case "gt" -> GT;
            case "lt" -> LT;
            case "ge" -> GE;
            case "le" -> LE;
            case "eq" -> EQ;
            case "ne" -> NE;
            default -> throw new IllegalArgumentException("no comparison named " + cmp);
        };
    }

    /**
     * The decision of a guard of this kind on x and y — the one place the replay of a compiled
     * tape and the rows of a compiled fit evaluate a comparison (a read compares exact bits).
     */
    static boolean test(byte kind, double x, double y) {
        return switch (kind) {
            case GT -> x > y;
            case LT -> x < y;
            case GE -> x >= y;
            case LE -> x <= y;
            case EQ -> x == y;
            case NE -> x != y;
            default -> Double.compare(x, y) == 0;
        };
    }
}
