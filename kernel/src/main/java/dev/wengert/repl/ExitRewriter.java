package dev.wengert.repl;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class file so its calls of {@code System.exit}, {@code Runtime.exit} and
 * {@code Runtime.halt} go to {@link ExitCalls} instead: {@code invokestatic}/{@code invokevirtual}
 * instructions, and the method handles of method references ({@code System::exit}) and
 * {@code ldc} constants. Each replacement takes the same operands (the receiver becomes the first
 * argument), so the stack and the frames stay valid. Classes that mention neither name are
 * returned as they are.
 */
final class ExitRewriter {

    private static final String CALLS = ExitCalls.class.getName().replace('.', '/');

    /** owner.name descriptor → the static method of ExitCalls and its descriptor. */
    private static final Map<String, String[]> REPLACEMENTS = Map.of(
            "java/lang/System.exit(I)V", new String[] {"systemExit", "(I)V"},
            "java/lang/Runtime.exit(I)V", new String[] {"runtimeExit", "(Ljava/lang/Runtime;I)V"},
            "java/lang/Runtime.halt(I)V", new String[] {"runtimeHalt", "(Ljava/lang/Runtime;I)V"});

    private static final byte[] EXIT = "exit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALT = "halt".getBytes(StandardCharsets.US_ASCII);

    private ExitRewriter() {
    }

    /** The class with its exits redirected; the same array if it has none. */
    static byte[] rewrite(byte[] classFile) {
        // a method reference to exit/halt needs those names in the constant pool
        if (!contains(classFile, EXIT) && !contains(classFile, HALT)) {
            return classFile;
        }
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        boolean[] changed = {false};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new Redirect(super.visitMethod(access, name, descriptor, signature, exceptions), changed);
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : classFile;
    }

    private static final class Redirect extends MethodVisitor {
        private final boolean[] changed;

        Redirect(MethodVisitor next, boolean[] changed) {
            super(Opcodes.ASM9, next);
            this.changed = changed;
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            String[] to = opcode == Opcodes.INVOKESTATIC || opcode == Opcodes.INVOKEVIRTUAL
                    ? REPLACEMENTS.get(owner + "." + name + descriptor) : null;
            if (to == null) {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                return;
            }
            changed[0] = true;
            super.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, to[0], to[1], false);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            Object[] redirected = arguments.clone();
            for (int i = 0; i < redirected.length; i++) {
                redirected[i] = redirect(redirected[i]);
            }
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, redirected);
        }

        @Override
        public void visitLdcInsn(Object value) {
            super.visitLdcInsn(redirect(value));
        }

        private Object redirect(Object constant) {
            if (!(constant instanceof Handle)) {
                return constant;
            }
            Handle handle = (Handle) constant;
            int tag = handle.getTag();
            String[] to = tag == Opcodes.H_INVOKESTATIC || tag == Opcodes.H_INVOKEVIRTUAL
                    ? REPLACEMENTS.get(handle.getOwner() + "." + handle.getName() + handle.getDesc()) : null;
            if (to == null) {
                return constant;
            }
            changed[0] = true;
            return new Handle(Opcodes.H_INVOKESTATIC, CALLS, to[0], to[1], false);
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
