package dev.osc.engine.repl;

import dev.osc.engine.db.BinlogPosition;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Where the transactions the stream has read end in the binlog: the most recent ones of the last
 * few files. A horizon the server reports is a transaction's end in the file it names; after a
 * rotation MariaDB can briefly report the new file with an offset from the old one, and this tells
 * the two apart (see {@link dev.osc.engine.db.CommitHorizon}). Bounded: at most {@link #PER_FILE}
 * ends of each of the last {@link #FILES} files (about 2 MB each).
 */
final class TransactionEnds {
    static final int PER_FILE = 1 << 18;
    static final int FILES = 4;

    /** The ends of one file, in increasing order (a binlog grows), the oldest dropped first. */
    private static final class File {
        final String name;
        final long[] ends = new long[PER_FILE];
        int first;
        int size;

        File(String name) {
            this.name = name;
        }

        void add(long end) {
            if (size > 0 && end <= get(size - 1)) {
                return; // read again after a reconnect
            }
            if (size == PER_FILE) {
                first = (first + 1) % PER_FILE;
                size--;
            }
            ends[(first + size) % PER_FILE] = end;
            size++;
        }

        long get(int i) {
            return ends[(first + i) % PER_FILE];
        }

        boolean contains(long end) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long v = get(mid);
                if (v == end) {
                    return true;
                }
                if (v < end) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return false;
        }
    }

    private final Deque<File> files = new ArrayDeque<>();

    synchronized void add(BinlogPosition end) {
        File last = files.peekLast();
        if (last == null || !last.name.equals(end.file())) {
            last = files.stream().filter(f -> f.name.equals(end.file())).findFirst().orElse(null);
            if (last == null) {
                last = new File(end.file());
                files.addLast(last);
                if (files.size() > FILES) {
                    files.removeFirst();
                }
            }
        }
        last.add(end.position());
    }

    /**
     * Whether a transaction the stream read ends here, and at the same offset in no other file it
     * remembers: such a position names a commit in its own file, not an offset carried over from
     * another.
     */
    synchronized boolean isOnlyEndIn(BinlogPosition p) {
        boolean here = false;
        for (File f : files) {
            if (f.contains(p.position())) {
                if (!f.name.equals(p.file())) {
                    return false;
                }
                here = true;
            }
        }
        return here;
    }

    @Override
    public synchronized String toString() {
        return Arrays.toString(files.stream().map(f -> f.name + " (" + f.size + " ends)").toArray());
    }
}
