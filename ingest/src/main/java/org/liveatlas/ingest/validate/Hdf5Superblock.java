package org.liveatlas.ingest.validate;

import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the HDF5 superblock from a file's first bytes to catch files that are not HDF5 or were cut short: the
 * superblock records the end-of-file address, so an object smaller than that is truncated.
 */
final class Hdf5Superblock {
    private Hdf5Superblock() {}

    static Optional<String> check(String relativeKey, byte[] head, long size) {
        if (head.length < 8 || !Arrays.equals(Arrays.copyOf(head, 8), FormatSniffer.HDF5_SIGNATURE)) {
            return Optional.of(
                    relativeKey + ": not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at offset 0)");
        }
        if (head.length < 12) {
            return Optional.of(relativeKey + ": truncated HDF5 file (" + size + " bytes, too short for a superblock)");
        }
        int version = head[8] & 0xff;
        int sizeOfOffsets;
        int eofField;
        int baseField;
        switch (version) {
            case 0, 1 -> {
                sizeOfOffsets = head[13] & 0xff;
                baseField = version == 0 ? 24 : 28;
                eofField = baseField + 2 * sizeOfOffsets;
            }
            case 2, 3 -> {
                sizeOfOffsets = head[9] & 0xff;
                baseField = 12;
                eofField = baseField + 2 * sizeOfOffsets;
            }
            default -> {
                return Optional.of(relativeKey + ": HDF5 superblock version " + version + " is not one we know (0-3)");
            }
        }
        if (sizeOfOffsets != 2 && sizeOfOffsets != 4 && sizeOfOffsets != 8) {
            return Optional.of(relativeKey + ": corrupt HDF5 superblock (size of offsets " + sizeOfOffsets + ")");
        }
        if (head.length < eofField + sizeOfOffsets) {
            return Optional.of(relativeKey + ": truncated HDF5 file (" + size + " bytes, the superblock is cut short)");
        }
        long base = readUnsigned(head, baseField, sizeOfOffsets);
        long eof = readUnsigned(head, eofField, sizeOfOffsets);
        if (eof == -1L || base == -1L) {
            return Optional.empty(); // "undefined address": nothing to compare against
        }
        long expected = base + eof;
        if (size < expected) {
            return Optional.of(relativeKey + ": truncated HDF5 file (" + size + " of " + expected
                    + " bytes the superblock records); upload it again");
        }
        return Optional.empty();
    }

    private static long readUnsigned(byte[] bytes, int offset, int length) {
        long value = 0;
        boolean allOnes = true;
        for (int i = length - 1; i >= 0; i--) {
            int b = bytes[offset + i] & 0xff;
            allOnes &= b == 0xff;
            value = (value << 8) | b;
        }
        return allOnes ? -1L : value;
    }
}
