package dev.wengert.kernel;

import java.util.Map;

import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;

import dev.wengert.display.Displayable;
import dev.wengert.display.TableView;
import dev.wengert.repl.ValueText;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import tech.tablesaw.api.Table;

/**
 * Turns a value into Jupyter display data.
 *
 * <p>A {@link Displayable} (plot, fit summary, tape, history, tensor) offers its own MIME
 * bundle; a tablesaw {@link Table}, which is not ours, is shown as a {@link TableView} (an HTML
 * table of its first and last rows with the row count); a {@link DisplayData} built by the
 * user passes through; anything else is shown as JShell shows it (strings quoted, arrays
 * listed), so a notebook reads like a JShell session.
 */
final class Displays {

    private Displays() {
    }

    /** The display data of {@code value}; runs user code (mimeBundle, toString). */
    static DisplayData render(Object value) {
        if (value instanceof DisplayData) {
            return (DisplayData) value;
        }
        if (value instanceof Displayable) {
            return fromBundle(((Displayable) value).mimeBundle(), value);
        }
        if (value instanceof Table) {
            return fromBundle(TableView.of((Table) value).mimeBundle(), value);
        }
        return new DisplayData(ValueText.jshell(value));
    }

    private static DisplayData fromBundle(Map<String, String> bundle, Object value) {
        DisplayData data = new DisplayData();
        if (bundle != null) {
            bundle.forEach((mime, content) -> data.putData(mime, asJson(mime, content)));
        }
        if (bundle == null || !bundle.containsKey("text/plain")) {
            // Jupyter front ends (and nbconvert to text) need a plain-text fallback
            data.putData("text/plain", String.valueOf(value));
        }
        return data;
    }

    /** JSON MIME types travel as JSON values on the wire, not as strings holding JSON. */
    private static Object asJson(String mime, String content) {
        if (content != null && (mime.equals("application/json") || mime.endsWith("+json"))) {
            try {
                return new JsonParser().parse(content); // gson 2.8 (basekernel's) has no parseString
            } catch (JsonSyntaxException e) {
                return content;
            }
        }
        return content;
    }
}
