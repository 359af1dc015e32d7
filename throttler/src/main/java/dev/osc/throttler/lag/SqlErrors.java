package dev.osc.throttler.lag;

/** Errors in one line for reasons and logs. */
final class SqlErrors {

    private SqlErrors() {
    }

    /** The driver's first line (Connector/J adds paragraphs) and the root cause, which says what failed. */
    static String describe(Throwable e) {
        String message = firstLine(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootMessage = root == e ? null : firstLine(root.getMessage());
        String text = message == null ? e.getClass().getSimpleName() : message;
        if (rootMessage != null && !text.contains(rootMessage)) {
            text += " (" + rootMessage + ")";
        }
        return text;
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String trimmed = s.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl).strip();
    }
}
