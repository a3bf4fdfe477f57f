package io.breakwater.ingest;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Removes secret-looking values from raw record text (before it becomes a dead letter) and from command-line
 * arguments (before they enter an event). Works on text, not on parsed JSON, so truncated and malformed records
 * are redacted too; errs towards redacting more.
 */
public final class SecretRedactor {
    public static final String REDACTED = "[REDACTED]";

    /**
     * JSON member names whose value is a secret: Secret and ConfigMap payloads exactly, and any name containing a
     * credential word ({@code vault.hashicorp.com/token}, {@code AWS_SECRET_ACCESS_KEY}, {@code client-key-data}).
     * Case-insensitive. Errs towards redacting: {@code secretName} goes too.
     */
    private static final String SECRET_MEMBER_NAME = "(?:data|stringData|binaryData|[^\"\\\\]*?(?:token|passw|passwd"
            + "|secret|credential|api[_-]?key|private[_-]?key|access[_-]?key|dockerconfigjson|dockercfg|authorization"
            + "|client-key-data|client-certificate-data)[^\"\\\\]*)";

    /**
     * A secret member's name and colon. Group 1 is the run of backslashes before the quotes: 0 for plain JSON,
     * 1 for JSON embedded in a JSON string (AKS {@code properties.log}), 3 for one more level.
     */
    private static final Pattern SECRET_MEMBER = Pattern.compile("(\\\\*)\"" + SECRET_MEMBER_NAME + "\\1\"\\s*:\\s*",
            Pattern.CASE_INSENSITIVE);
    /** An env entry whose name says it holds a credential: {@code {"name":"DB_PASSWORD","value":"..."}}. */
    private static final Pattern SECRET_ENV_VALUE = Pattern.compile("(?i)(\\\\*\"name\\\\*\"\\s*:\\s*\\\\*\"[^\"\\\\]*"
            + "(?:pass|secret|token|key|credential)[^\"\\\\]*\\\\*\"\\s*,\\s*\\\\*\"value\\\\*\"\\s*:\\s*\\\\*\")[^\"\\\\]*");
    /** A secret flag in a JSON argv array, and the element after it: {@code ["--db-pass", "x"]}. */
    private static final Pattern SECRET_FLAG_IN_ARRAY = Pattern.compile("(?i)(\\\\*\"--?[A-Za-z0-9_.-]*"
            + "(?:pass|token|secret|key|credential)[A-Za-z0-9_.-]*\\\\*\"\\s*,\\s*\\\\*\")[^\"\\\\]*");
    /**
     * Passwords given the way common tools take them: {@code mysql -p<pw>}, {@code sshpass -p <pw>},
     * {@code curl -u user:<pw>}. Group 1 is kept, group 2 is the secret.
     */
    private static final List<Pattern> TOOL_PASSWORDS = List.of(
            Pattern.compile("(\\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\\b[^;|&\\n]*?\\s-p)([^\\s;|&\"']+)"),
            Pattern.compile("(\\bsshpass\\b[^;|&\\n]*?\\s-p\\s*)([^\\s;|&\"']+)"),
            Pattern.compile("(\\bcurl\\b[^;|&\\n]*?\\s(?:-u|--user)\\s*[^\\s:;|&\"']+:)([^\\s;|&\"']+)"));
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(authorization:\\s*)(?:\\w+\\s+)?[^\\s\"\\\\]+");
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer|Basic)(\\s+)[A-Za-z0-9._~+/=-]{6,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}(?:\\.[A-Za-z0-9_-]*){0,2}");
    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", Pattern.DOTALL);
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^@\\s/]+@");
    private static final String SECRET_WORD =
            "[A-Za-z0-9_.-]*(?:token|pass|passwd|password|secret|key|credential)[A-Za-z0-9_.-]*";
    /** {@code --token=x}, {@code --db-password=x}, {@code API_KEY=x}. */
    private static final Pattern SECRET_ASSIGNMENT =
            Pattern.compile("(?i)^(-{0,2}" + SECRET_WORD + "=).+$", Pattern.DOTALL);
    /** {@code password=x} or {@code api_key: x} inside free text (log lines, command lines, query strings). */
    private static final Pattern INLINE_ASSIGNMENT =
            Pattern.compile("(?i)(\\b" + SECRET_WORD + "\\s*[=:]\\s*)(?![\\s\"{\\[]|\\[REDACTED\\])[^\\s\"',;&]+");
    /** {@code --password} whose value is the next argument. */
    private static final Pattern SECRET_FLAG = Pattern.compile("(?i)^--?" + SECRET_WORD + "$");

    private SecretRedactor() {}

    /**
     * The record text with secret members' values, credential env values, secret flags' values in argv arrays,
     * bearer/basic credentials, JWTs, private keys and tool passwords replaced.
     */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = SECRET_ENV_VALUE.matcher(redactMembers(text)).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        s = SECRET_FLAG_IN_ARRAY.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        return redactFreeText(s);
    }

    /** One argv element with credentials replaced: {@code --token=x}, bearer tokens, JWTs, URL passwords. */
    public static String redactArgument(String argument) {
        if (argument == null) {
            return null;
        }
        return redactFreeText(SECRET_ASSIGNMENT.matcher(argument).replaceAll("$1" + Matcher.quoteReplacement(REDACTED)));
    }

    /** A redacted copy of argv; the value following a bare secret flag ({@code --password x}) is replaced whole. */
    public static String[] redactArguments(String[] argv) {
        if (argv == null) {
            return null;
        }
        String[] out = new String[argv.length];
        for (int i = 0; i < argv.length; i++) {
            boolean valueOfSecretFlag = i > 0 && argv[i - 1] != null && SECRET_FLAG.matcher(argv[i - 1]).matches();
            out[i] = valueOfSecretFlag ? REDACTED : redactArgument(argv[i]);
        }
        return out;
    }

    private static String redactFreeText(String text) {
        String s = PEM_PRIVATE_KEY.matcher(text).replaceAll(REDACTED);
        s = AUTH_HEADER.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        s = AUTH_SCHEME.matcher(s).replaceAll("$1$2" + Matcher.quoteReplacement(REDACTED));
        s = JWT.matcher(s).replaceAll(REDACTED);
        s = INLINE_ASSIGNMENT.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        for (Pattern tool : TOOL_PASSWORDS) {
            s = tool.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        }
        return URL_PASSWORD.matcher(s).replaceAll("$1" + Matcher.quoteReplacement(REDACTED) + "@");
    }

    /** Replaces the value (string, number, object or array, possibly unterminated) of every secret member. */
    private static String redactMembers(String text) {
        Matcher m = SECRET_MEMBER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int level = m.group(1).length();
            int valueStart = m.end();
            int valueEnd = endOfValue(text, valueStart, level);
            String quote = "\\".repeat(level) + "\"";
            out.append(text, copied, valueStart).append(quote).append(REDACTED).append(quote);
            copied = valueEnd;
            from = Math.max(valueEnd, valueStart + 1);
        }
        return out.append(text, Math.min(copied, text.length()), text.length()).toString();
    }

    /** End (exclusive) of the JSON value at {@code start} quoted at the given escape level; text end if cut off. */
    private static int endOfValue(String text, int start, int level) {
        if (start >= text.length()) {
            return start;
        }
        char first = text.charAt(start);
        if (first == '{' || first == '[') {
            int depth = 0;
            boolean inString = false;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' && isQuoteAtLevel(text, i, level)) {
                    inString = !inString;
                } else if (!inString && (c == '{' || c == '[')) {
                    depth++;
                } else if (!inString && (c == '}' || c == ']') && --depth == 0) {
                    return i + 1;
                }
            }
            return text.length();
        }
        if (text.startsWith("\\".repeat(level) + "\"", start)) {
            for (int i = start + level + 1; i < text.length(); i++) {
                if (text.charAt(i) == '"' && isQuoteAtLevel(text, i, level)) {
                    return i + 1;
                }
            }
            return text.length();
        }
        int i = start;
        while (i < text.length() && ",}] \t\r\n\\".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /**
     * Whether the quote at {@code i} delimits a string at the escape level: at level k a delimiter is preceded by
     * k backslashes, and each further level of escaping inside adds 2k+2 (0 → 2 → 4 for plain JSON, 1 → 5 for
     * JSON inside a string).
     */
    private static boolean isQuoteAtLevel(String text, int i, int level) {
        int run = 0;
        while (i - run - 1 >= 0 && text.charAt(i - run - 1) == '\\') {
            run++;
        }
        return run >= level && (run - level) % (2 * level + 2) == 0;
    }
}
