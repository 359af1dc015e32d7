package dev.osc.engine.db;

/**
 * A position in the primary's binary log. Files are ordered by their numeric suffix, so
 * positions compare across rotations.
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {

    @Override
    public int compareTo(BinlogPosition o) {
        int byFile = Long.compare(fileNumber(file), fileNumber(o.file));
        if (byFile == 0 && !file.equals(o.file)) {
            byFile = file.compareTo(o.file);
        }
        return byFile != 0 ? byFile : Long.compare(position, o.position);
    }

    public boolean isAtOrAfter(BinlogPosition other) {
        return compareTo(other) >= 0;
    }

    private static long fileNumber(String file) {
        int dot = file.lastIndexOf('.');
        try {
            return Long.parseLong(file.substring(dot + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
