package dev.wengert.compile;

/**
 * Whether a generated loop that ends at the output can run forward and backward in one pass
 * (LoopCode.fused): the conditions below, read off the loop's description.
 */
final class OnePass {
    private final Loop l;
    /** Slots read by the next iteration. */
    private final boolean[] carried;

    OnePass(Loop l, boolean[] carried) {
        this.l = l;
        this.carried = carried;
    }

    /**
     * Whether the loop, which ends at the output, can run its backward during its forward
     * pass. That needs, before the loop has run, every adjoint an iteration
     * is given, and a way to add each contribution to the adjoint array in the sweep's order:
     * <ul>
     *   <li>every carried adjoint passes from one iteration to the previous unchanged, as a
     *       running sum's does (∂(s + t)/∂s = 1): then each iteration is given the output's
     *       seed, or 0 ({@link #passesCarriedAdjointsOn});
     *   <li>every external operand moves with one positive stride, so a cell of the array is
     *       read by a few consecutive iterations at most and can be finished once the last of
     *       them has run (parameters read by every iteration, stride 0, are not);
     *   <li>no node before the loop that takes a carried adjoint is also an external operand.
     * </ul>
     */
    boolean possible() {
        int p = l.period;
        if (!carried[p - 1]) {
            return false;
        }
        int stride = 0;
        for (int j = 0; j < p; j++) {
            if (l.liveLast[j] && !l.live[j] || carried[j] && l.out[j] == Loop.OUT_ALL) {
                return false;
            }
            for (int a = 0; a < l.kind[j].length; a++) {
                if (l.kind[j][a] == Loop.EXTERNAL) {
                    int st = l.stride[j][a];
                    if (st <= 0 || stride != 0 && st != stride) {
                        return false;
                    }
                    stride = st;
                }
            }
        }
        for (int c = 0; c < p; c++) {
            if (!carried[c]) {
                continue;
            }
            long node = l.lo - p + c;
            for (int j = 0; j < p; j++) {
                for (int a = 0; a < l.kind[j].length; a++) {
                    long d = node - l.ref[j][a];
                    if (l.kind[j][a] == Loop.EXTERNAL && d >= 0 && d % stride == 0 && d / stride < l.count) {
                        return false;
                    }
                }
            }
        }
        return passesCarriedAdjointsOn(l.live, false) && passesCarriedAdjointsOn(l.liveLast, true);
    }

    /**
     * Whether an iteration (the last, or any other) hands each carried adjoint back exactly as
     * it was given it. Followed symbolically through the backward body: an adjoint is "G" + j
     * (what carried slot j was given), "0" (exactly 0.0) or "?" (anything else); a contribution
     * with partial exactly 1 copies its adjoint (the first into a local is assigned, see
     * LoopCode.backwardBody), any other makes "?", and so does a second one.
     */
    private boolean passesCarriedAdjointsOn(boolean[] live, boolean last) {
        int p = l.period;
        String[] adj = new String[p];
        String[] back = new String[p];
        for (int j = 0; j < p; j++) {
            if (live[j] && carried[j]) {
                adj[j] = given(j);
            } else if (live[j] && (l.out[j] == Loop.OUT_ALL || l.out[j] == Loop.OUT_LAST && last)) {
                adj[j] = "?";
            }
        }
        for (int j = p - 1; j >= 0; j--) {
            if (!live[j]) {
                continue;
            }
            if (adj[j] == null) {
                adj[j] = "0";                                  // reached, but nothing flowed in
            }
            for (int a = 0; a < l.kind[j].length; a++) {
                boolean copy = l.fixedPartials(j) && l.partial[j][a] == 1.0;
                String c = copy ? adj[j] : "?";
                int r = l.ref[j][a];
                switch (l.kind[j][a]) {
                    case Loop.INTERNAL -> adj[r] = adj[r] == null ? c : "?";
                    case Loop.CARRIED -> back[r] = back[r] == null ? c : "?";
                    default -> { }
                }
            }
        }
        for (int c = 0; c < p; c++) {
            if (carried[c] && !(back[c] == null ? "0" : back[c]).equals(given(c))) {
                return false;
            }
        }
        return true;
    }

    /** What carried slot j is given in the last iteration: the output's seed (its adjoint cell), or 0. */
    private String given(int j) {
        return l.out[j] != Loop.OUT_NONE ? "G" + j : "0";
    }
}
