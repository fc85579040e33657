package dev.provpt.data;

import java.util.SplittableRandom;

/** Fisher-Yates shuffles, so every seeded order in this package is drawn the same way. */
public final class Shuffling {

    private Shuffling() {
    }

    public static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** 0..n-1 in a random order. */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, random);
        return order;
    }
}
