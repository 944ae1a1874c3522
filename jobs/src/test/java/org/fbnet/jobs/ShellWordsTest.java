package org.fbnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellWordsTest {
    @Test
    void splitsCommandsAndWordsAsTheShellDoesBeforeExpansion() {
        assertEquals(List.of(List.of("spark-submit", "--conf", "a b", "x\"y", "$HOME/z"), List.of("echo", "done")),
                ShellWords.commands("spark-submit --conf 'a b' \\\n  \"x\\\"y\" $HOME/z && echo done   # a comment"));
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), ShellWords.commands("a; b | c"));
    }

    @Test
    void takesRedirectionsOutOfTheWordsAndKeepsTheStandardOutputFile() {
        List<ShellWords.Simple> c = ShellWords.parse("flock -n /l run >> /var/log/x.log 2>&1\ncat a b > t 2> err");
        assertEquals(List.of("flock", "-n", "/l", "run"), c.get(0).words());
        assertEquals("/var/log/x.log", c.get(0).stdout());
        assertEquals(List.of("cat", "a", "b"), c.get(1).words());
        assertEquals("t", c.get(1).stdout());
        assertEquals("f", ShellWords.parse("x >f").get(0).stdout());
    }

    @Test
    void refusesAnUnterminatedQuote() {
        assertThrows(IllegalArgumentException.class, () -> ShellWords.parse("echo 'open"));
        assertThrows(IllegalArgumentException.class, () -> ShellWords.parse("echo \"open"));
    }
}
