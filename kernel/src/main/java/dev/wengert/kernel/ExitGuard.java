package dev.wengert.kernel;

import java.security.Permission;

/**
 * Keeps {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} in a cell from
 * ending the kernel: user code runs in the kernel's own JVM, so an exit there would take every
 * variable of the notebook with it.
 *
 * <p>Java 17 has one in-process hook that sees an exit before it happens:
 * {@link SecurityManager#checkExit}. The manager installed here permits everything else (its
 * {@code checkPermission} does nothing, so no access-control stack walks are added), and
 * refuses an exit unless the kernel itself is shutting down ({@link #allowExit}). The cell gets
 * a {@link SecurityException} that says what happened; its variables and the earlier cells' stay.
 *
 * <p>{@code System.setSecurityManager} is deprecated for removal (JEP 411) and refused unless
 * the JVM runs with {@code -Djava.security.manager=allow}, which kernel-config/kernel.json
 * passes. Where it is refused (an old kernel.json, a JDK that removed it) the kernel starts
 * anyway, without this guard, and says so on its stderr; a cell calling {@code System.exit}
 * then ends the kernel, and Jupyter offers a restart.
 */
final class ExitGuard extends SecurityManager {

    private static volatile boolean exiting;

    private ExitGuard() {
    }

    /**
     * Installs the guard.
     *
     * @return null if it is installed, else why not
     */
    @SuppressWarnings("removal")
    static String install() {
        try {
            System.setSecurityManager(new ExitGuard());
            return null;
        } catch (UnsupportedOperationException | SecurityException e) {
            return "System.exit in a cell will end the kernel: cannot install the exit guard (" + e.getMessage()
                    + "); run the kernel's java with -Djava.security.manager=allow";
        }
    }

    /** The kernel itself is shutting down: exits go through from now on. */
    static void allowExit() {
        exiting = true;
    }

    /** Ends the kernel's JVM (the only way kernel code exits). */
    static void exit(int status) {
        allowExit();
        System.exit(status);
    }

    @Override
    public void checkExit(int status) {
        if (!exiting) {
            throw new SecurityException("System.exit(" + status + ") (or Runtime.exit/halt) was refused: "
                    + "it would end the kernel and "
                    + "lose every variable of the notebook. The kernel goes on; to start afresh, restart it "
                    + "from Jupyter (Kernel > Restart).");
        }
    }

    @Override
    public void checkPermission(Permission permission) {
        // everything else is allowed, as without a security manager
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        // everything else is allowed, as without a security manager
    }
}
