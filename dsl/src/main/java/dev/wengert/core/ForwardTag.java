package dev.wengert.core;


import java.util.ArrayList;
import java.util.List;

/**
 * The identity of one forward-mode differentiation: which tangent slot belongs to which
 * parameter. Values of two different tags never mix silently (that would be perturbation
 * confusion); the implicit forward mode of a session has one tag, each functional call its own.
 */
final class ForwardTag {
    private final Session session;
    private final String label;
    private final List<String> names = new ArrayList<>();
    private Object lastRoot;
    private final long level;
    private final boolean scoped;
    private final int taylorOrder;
    private boolean closed;
    // what tensors use to carry tangents of this differentiation (made on first use)
    private ForwardArrays arrays;

    /** The implicit forward tag of a session. */
    public ForwardTag(Session session, String label) {
        this(session, label, false, -1);
    }

    /**
     * @param scoped      whether it belongs to one functional call (it may nest in others)
     * @param taylorOrder the order of Taylor arithmetic, or −1 for tangents
     */
    public ForwardTag(Session session, String label, boolean scoped, int taylorOrder) {
        this.session = session;
        this.label = label;
        this.scoped = scoped;
        this.taylorOrder = taylorOrder;
        this.level = Session.nextLevel();
    }

    /** The nesting level (see {@link dev.wengert.core.Tape#level()}). */
    public long level() {
        return level;
    }

    public boolean isScoped() {
        return scoped;
    }

    /** The Taylor order of this tag's values, or −1 when they carry tangents. */
    public int taylorOrder() {
        return taylorOrder;
    }

    /** Ends this differentiation: its values are refused from now on. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The view of this differentiation that forward-mode tensors work through. */
    ForwardArrays arrays() {
        if (arrays == null) {
            arrays = new ForwardArrays(this);
        }
        return arrays;
    }

    /** Allocates the tangent slot of a new parameter. */
    public int newSlot(String name) {
        names.add(name);
        return names.size() - 1;
    }

    /** The name of the parameter of slot s (may be null). */
    public String name(int slot) {
        return names.get(slot);
    }

    public int slots() {
        return names.size();
    }

    public Session session() {
        return session;
    }

    public String label() {
        return label;
    }

    /** The value last given to backward() in forward mode (so x.grad() works in both modes). */
    public Object lastRoot() {
        return lastRoot;
    }

    public void lastRoot(Object root) {
        this.lastRoot = root;
    }

    // ---- tangent vector arithmetic (dense, truncated after the last slot a value touches) ----

    /**
     * p·t, or null when t is null (a constant has no tangent). A zero tangent stays zero even
     * when p is infinite: a parameter the value does not move must not pick up 0·∞ = NaN from an
     * unrelated singular partial (√ at 0), just as the reverse sweep skips nodes it never reaches.
     */
    public static double[] scale(double[] t, double p) {
        if (t == null) {
            return null;
        }
        double[] r = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            double ti = t[i];
            r[i] = ti == 0 ? 0.0 : p * ti;
        }
        return r;
    }

    /** pa·ta + pb·tb where either tangent may be null (a constant operand). */
    public static double[] combine(double[] ta, double pa, double[] tb, double pb) {
        if (ta == null) {
            return scale(tb, pb);
        }
        if (tb == null) {
            return scale(ta, pa);
        }
        double[] r = new double[Math.max(ta.length, tb.length)];
        for (int i = 0; i < ta.length; i++) {
            double ti = ta[i];
            r[i] = ti == 0 ? 0.0 : pa * ti;
        }
        for (int i = 0; i < tb.length; i++) {
            double ti = tb[i];
            if (ti != 0) {
                r[i] += pb * ti;
            }
        }
        return r;
    }

    /** The unit tangent of slot s. */
    public static double[] unit(int s) {
        double[] t = new double[s + 1];
        t[s] = 1.0;
        return t;
    }
}
