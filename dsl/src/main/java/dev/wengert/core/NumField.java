package dev.wengert.core;

import org.apache.commons.math3.Field;
import org.apache.commons.math3.FieldElement;

/** The field of {@link Num}s for Commons Math's field-generic algorithms: zero and one are constants. */
final class NumField implements Field<Num> {
    static final NumField INSTANCE = new NumField();

    private NumField() {
    }

    @Override
    public Num getZero() {
        return Num.constant(0);
    }

    @Override
    public Num getOne() {
        return Num.constant(1);
    }

    @Override
    public Class<? extends FieldElement<Num>> getRuntimeClass() {
        return Num.class;
    }
}
