package org.fbnet.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a POSIX shell command line into simple commands and their words, as the shell would before
 * expansion: quotes removed, backslash-newline joined, {@code $VAR} left as written, redirections and
 * their targets dropped, commands separated by {@code ; && || |} and newlines.
 * <p>Enough for the command lines in README code blocks, a crontab and a DAG; it refuses what it does not
 * understand (an unterminated quote) instead of guessing.
 */
final class ShellWords {
    private static final Pattern REDIRECT = Pattern.compile("\\d*(>>?|<)(&\\d+)?|&>>?");

    private ShellWords() { }

    static List<List<String>> commands(String line) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        boolean dropNext = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\n') {
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|') {
                if (c == '&' && inWord && REDIRECT.matcher(w + "&").lookingAt() && i + 1 < n && Character.isDigit(line.charAt(i + 1))) {
                    w.append(c);  // 2>&1
                    continue;
                }
                if (inWord) {
                    dropNext = end(w.toString(), words, dropNext);
                    w.setLength(0);
                    inWord = false;
                }
                if (c == '\n' || c == ';' || c == '&' || c == '|') {
                    if ((c == '&' || c == '|') && i + 1 < n && line.charAt(i + 1) == c) i++;
                    if (!words.isEmpty()) commands.add(words);
                    words = new ArrayList<>();
                }
                continue;
            }
            if (c == '#' && !inWord) {
                while (i + 1 < n && line.charAt(i + 1) != '\n') i++;
                continue;
            }
            inWord = true;
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) throw new IllegalArgumentException("unterminated ' in: " + line);
                w.append(line, i + 1, close);
                i = close;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < n && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`\n".indexOf(line.charAt(j + 1)) >= 0) {
                        if (line.charAt(j + 1) != '\n') w.append(line.charAt(j + 1));
                        j++;
                    } else {
                        w.append(d);
                    }
                }
                if (j >= n) throw new IllegalArgumentException("unterminated \" in: " + line);
                i = j;
            } else if (c == '\\' && i + 1 < n) {
                w.append(line.charAt(++i));
            } else {
                w.append(c);
            }
        }
        if (inWord) end(w.toString(), words, dropNext);
        if (!words.isEmpty()) commands.add(words);
        return commands;
    }

    /** Adds a finished word unless it is a redirection or its target; returns whether the next word is a target. */
    private static boolean end(String word, List<String> words, boolean isTarget) {
        if (isTarget) return false;
        var m = REDIRECT.matcher(word);
        if (m.lookingAt()) {
            String target = word.substring(m.end());
            // "2>&1" carries its own target; ">> file" takes the next word.
            return target.isEmpty() && !word.contains(">&");
        }
        words.add(word);
        return false;
    }
}
