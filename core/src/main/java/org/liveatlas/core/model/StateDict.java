package org.liveatlas.core.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The named tensors of one network, in PyTorch's {@code state_dict} naming ({@code
 * network.0.1.weight}, ...) and order. Immutable; compares by value.
 *
 * @param tensors tensors by name, in insertion order
 */
public record StateDict(Map<String, Tensor> tensors) {

    public StateDict {
        Objects.requireNonNull(tensors, "tensors");
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The tensor called {@code name}; fails naming {@code source} when it is absent. */
    public Tensor require(String name, String source) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFolderException(source + ": no tensor named '" + name + "' (it has " + tensors.keySet()
                    + "); is this a SCimilarity encoder/decoder checkpoint?");
        }
        return t;
    }

    /** Shape of every tensor, as in SCimilarity's {@code layer_sizes.json}. */
    public Map<String, List<Integer>> shapes() {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Arrays.stream(v.shape()).boxed().toList()));
        return Collections.unmodifiableMap(out);
    }
}
