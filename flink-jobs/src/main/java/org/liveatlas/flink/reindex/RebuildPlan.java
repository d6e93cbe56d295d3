package org.liveatlas.flink.reindex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a rebuild still has to do, from what the atlas should hold (the indexed studies) and what the building
 * index holds: studies to (re-)embed and studies to drop. A pure function of its inputs, run again and again
 * until nothing is left, so deposits, new versions and withdrawals that happen during the rebuild are caught.
 *
 * @param embed studies to embed into the building index, reference studies first
 * @param drop studies in the building index that are no longer indexed (withdrawn, quarantined); a study the
 *     studies index does not know yet is a first deposit in flight, written there by the dual write, and stays
 */
record RebuildPlan(List<Expected> embed, List<String> drop) {

    /**
     * A study as the studies index records it.
     *
     * @param cells documents acknowledged for that version in the live index
     */
    record Expected(String studyId, String depositVersion, long cells, boolean reference) {
        Expected {
            Objects.requireNonNull(studyId, "studyId");
            Objects.requireNonNull(depositVersion, "depositVersion");
        }

        String key() {
            return studyId + "@" + depositVersion;
        }
    }

    RebuildPlan {
        embed = List.copyOf(embed);
        drop = List.copyOf(drop);
    }

    boolean done() {
        return embed.isEmpty() && drop.isEmpty();
    }

    /**
     * A study is complete in the building index when it holds exactly its indexed version with as many documents
     * as were indexed (written there by the dual write or by an earlier pass); {@code embeddedThisRun} (keys
     * {@code study@version}) are trusted on version alone, so a study whose count can never match (duplicate
     * cell ids) is not embedded in a loop. While a reference study still has to be embedded, every
     * non-reference study not embedded in this run is embedded again after it, so that its annotation sees the
     * whole reference.
     */
    static RebuildPlan of(
            List<Expected> expected,
            Set<String> notIndexed,
            Map<String, Map<String, Long>> present,
            Set<String> embeddedThisRun) {
        List<Expected> embed = new ArrayList<>();
        Map<String, Expected> byStudy = new HashMap<>();
        for (Expected e : expected) {
            byStudy.put(e.studyId(), e);
            Map<String, Long> versions = present.getOrDefault(e.studyId(), Map.of());
            boolean onlyThisVersion = versions.isEmpty()
                    ? e.cells() == 0
                    : versions.size() == 1 && versions.containsKey(e.depositVersion());
            boolean complete = embeddedThisRun.contains(e.key())
                    ? onlyThisVersion || versions.isEmpty()
                    : onlyThisVersion && versions.getOrDefault(e.depositVersion(), 0L) == e.cells();
            if (!complete) {
                embed.add(e);
            }
        }
        if (embed.stream().anyMatch(Expected::reference)) {
            // the reference is still incomplete in the building index: whatever was written into it so far (the
            // dual write of a deposit that came early) was annotated against part of it, so it is embedded again
            // after the reference
            List<Expected> all = new ArrayList<>();
            for (Expected e : expected) {
                if (embed.contains(e) || (!e.reference() && !embeddedThisRun.contains(e.key()))) {
                    all.add(e);
                }
            }
            embed = all;
        }
        List<String> drop = new ArrayList<>();
        for (String study : present.keySet()) {
            if (!byStudy.containsKey(study) && notIndexed.contains(study)) {
                drop.add(study);
            }
        }
        drop.sort(null);
        return new RebuildPlan(embed, drop);
    }

    /**
     * What keeps {@code present} from holding every indexed study in its indexed version and no withdrawn or
     * quarantined one (empty when it does): the check made right before the alias moves. First deposits still
     * in flight are written to both indexes and do not count.
     */
    static List<String> missing(
            List<Expected> expected, Set<String> notIndexed, Map<String, Map<String, Long>> present) {
        List<String> problems = new ArrayList<>();
        Set<String> known = new java.util.HashSet<>();
        for (Expected e : expected) {
            known.add(e.studyId());
            Map<String, Long> versions = present.getOrDefault(e.studyId(), Map.of());
            if (e.cells() > 0 && !(versions.size() == 1 && versions.containsKey(e.depositVersion()))) {
                problems.add(e.studyId() + " (indexed " + e.depositVersion() + ", building index has "
                        + versions.keySet() + ")");
            }
        }
        for (String study : present.keySet()) {
            if (!known.contains(study) && notIndexed.contains(study)) {
                problems.add(study + " (no longer indexed, still in the building index)");
            }
        }
        return problems;
    }
}
