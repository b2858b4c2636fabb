package dev.wengert.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code let} becomes {@code var} where it starts a declaration, nowhere else. */
class LetRewriterTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "let x = 1;                         | var x = 1;",
        "  let y=2;                         |   var y=2;",
        "int a = 1; let b = a;              | int a = 1; var b = a;",
        "{ let c = 3; }                     | { var c = 3; }",
        "for (let i = 0; i < 3; i++) {}     | for (var i = 0; i < 3; i++) {}",
        "for (let s : list) {}              | for (var s : list) {}",
        "let = 5;                           | let = 5;",
        "let == 5                           | let == 5",
        "f(let x = 1)                       | f(let x = 1)",
        "String s = \"let x = 1\";          | String s = \"let x = 1\";",
        "// let x = 1                       | // let x = 1",
        "/* let x = 1 */ let y = 2;         | /* let x = 1 */ var y = 2;",
        "letter = 1;                        | letter = 1;",
        "x.let = 1;                         | x.let = 1;",
        "`best\n// next\nlet y = 2;`          | `best\n// next\nvar y = 2;`",
        "`f(a,\n  let)`                      | `f(a,\n  let)`",
    })
    void rewrites(String input, String expected) {
        assertEquals(expected, LetRewriter.rewrite(input));
    }
}
