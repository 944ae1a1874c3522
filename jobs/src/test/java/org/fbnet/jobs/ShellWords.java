package org.fbnet.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a POSIX shell command line into simple commands and their words, as the shell would before
 * expansion: quotes removed, backslash-newline joined, {@code $VAR} left as written, redirections taken out
 * of the words (the file a command's standard output goes to is kept), commands separated by
 * {@code ; && || |} and newlines, {@code #} comments dropped.
 * <p>Enough for the command lines of README code blocks, a crontab and a DAG; it refuses what it does not
 * understand (an unterminated quote) instead of guessing.
 */
final class ShellWords {
    /** A redirection operator at the start of a word: optional descriptor, then {@code > >> <}, then {@code &N} or a file. */
    private static final Pattern REDIRECT = Pattern.compile("(\\d*)(>>|>|<)(&\\d+)?");

    /** One simple command: its words, and the file its standard output goes to ({@code > file}), or null. */
    record Simple(List<String> words, String stdout) { }

    private ShellWords() { }

    /** The words of each simple command in {@code line}. */
    static List<List<String>> commands(String line) {
        return parse(line).stream().map(Simple::words).toList();
    }

    static List<Simple> parse(String line) {
        Parser p = new Parser();
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '&' && p.word.length() > 0 && REDIRECT.matcher(p.word).matches() && i + 1 < n
                    && Character.isDigit(line.charAt(i + 1))) {
                p.word.append(c);  // the & of 2>&1
            } else if (c == ' ' || c == '\t') {
                p.endWord();
            } else if (c == '\n' || c == ';' || c == '&' || c == '|') {
                p.endWord();
                if ((c == '&' || c == '|') && i + 1 < n && line.charAt(i + 1) == c) i++;
                p.endCommand();
            } else if (c == '#' && !p.inWord) {
                while (i + 1 < n && line.charAt(i + 1) != '\n') i++;
            } else if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) throw new IllegalArgumentException("unterminated ' in: " + line);
                p.word.append(line, i + 1, close);
                p.inWord = true;
                i = close;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < n && line.charAt(j) != '"'; j++) {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`\n".indexOf(line.charAt(j + 1)) >= 0) {
                        if (line.charAt(j + 1) != '\n') p.word.append(line.charAt(j + 1));
                        j++;
                    } else {
                        p.word.append(d);
                    }
                }
                if (j >= n) throw new IllegalArgumentException("unterminated \" in: " + line);
                p.inWord = true;
                i = j;
            } else {
                if (c == '\\' && i + 1 < n) c = line.charAt(++i);
                p.word.append(c);
                p.inWord = true;
            }
        }
        p.endWord();
        p.endCommand();
        return p.commands;
    }

    private static final class Parser {
        enum Target { NONE, STDOUT, OTHER }

        final List<Simple> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        String stdout;
        final StringBuilder word = new StringBuilder();
        boolean inWord;
        Target pending = Target.NONE;

        void endWord() {
            if (!inWord) return;
            String w = word.toString();
            word.setLength(0);
            inWord = false;
            if (pending != Target.NONE) {
                if (pending == Target.STDOUT) stdout = w;
                pending = Target.NONE;
                return;
            }
            Matcher m = REDIRECT.matcher(w);
            if (!m.lookingAt()) {
                words.add(w);
                return;
            }
            if (m.group(3) != null) return;  // 2>&1 names no file
            boolean toStdout = !m.group(2).equals("<") && (m.group(1).isEmpty() || m.group(1).equals("1"));
            String file = w.substring(m.end());
            if (file.isEmpty()) pending = toStdout ? Target.STDOUT : Target.OTHER;
            else if (toStdout) stdout = file;
        }

        void endCommand() {
            if (!words.isEmpty()) commands.add(new Simple(words, stdout));
            words = new ArrayList<>();
            stdout = null;
        }
    }
}
