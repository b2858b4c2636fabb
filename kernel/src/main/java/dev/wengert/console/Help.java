package dev.wengert.console;

import dev.wengert.repl.Magics;

/** The console's /help: its commands, the magics, the keys and the settings. */
final class Help {

    private static final String COMMANDS = String.join("\n",
            "|  Type Java (or let x = ...;) and press Enter; an unfinished statement continues on the next line.",
            "|  DSL values (fits, results, tapes, tensors, Num) print whole; other values are shortened in the middle.",
            "|",
            "|  /vars                   the variables and their values",
            "|  /methods                the methods you declared",
            "|  /types                  the classes, interfaces, records and enums you declared",
            "|  /imports                the imports in force",
            "|  /list [id|name]         what you typed that is still in force, with snippet ids",
            "|  /save FILE              writes it as a script that ./wengert FILE runs again",
            "|  /open FILE              runs a script in this session (it stops at its first error)",
            "|  /reset                  a fresh session: variables, methods and the DSL's tape are gone",
            "|  /history                the input history",
            "|  /set truncation N       shorten plain values to N characters (0: never); now %d",
            "|  /set progress STYLE     optimizer progress: live (one line, rewritten), lines, off",
            "|  /set                    the settings in force",
            "|  /help                   this text",
            "|  /exit [STATUS]          leaves (so does Ctrl-D on an empty line)",
            "|",
            "|  Magics (on a line of their own, as in the notebook kernel):");

    private static final String KEYS = String.join("\n",
            "|",
            "|  Keys: Tab completes (twice lists; inside a call's parentheses it shows the signatures,",
            "|  Tab again the documentation); Ctrl-C stops the running snippet and keeps the session,",
            "|  at the prompt it clears the line; Up/Down and Ctrl-R search the history, which is kept",
            "|  in ~/.wengert_history (or $WENGERT_HISTORY); Emacs-style editing keys as in bash.");

    private Help() {
    }

    /** The help text, with the truncation in force. */
    static String text(int truncation) {
        StringBuilder text = new StringBuilder(String.format(COMMANDS, truncation));
        Magics.usages().lines().forEach(l -> text.append("\n|    ").append(l));
        text.append('\n').append(KEYS);
        return text.toString();
    }
}
