package org.liveatlas.core.model.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.liveatlas.core.model.ModelFolderException;

/**
 * A minimal, safe reader of the pickles that {@code torch.save} writes for a state dict.
 *
 * <p>It understands exactly the opcodes such a pickle uses (protocol 2, plus the framing and short
 * strings of protocols 3-4) and only the globals a state dict needs. It never runs code: a global
 * is a name, and {@code REDUCE} on it is interpreted here for the few known callables. Anything
 * else is refused with the opcode, its offset and the file, since a checkpoint that needs more is
 * either not a state dict or not trustworthy.
 */
public final class Unpickler {

    /** A global reference {@code module.name}, which this reader interprets instead of importing. */
    public record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An immutable Python tuple. */
    public record Tuple(List<Object> items) {
        public Tuple {
            items = List.copyOf(items.stream().map(Unpickler::nonNull).toList());
        }

        Object get(int i) {
            Object o = items.get(i);
            return o == NONE ? null : o;
        }

        int size() {
            return items.size();
        }
    }

    /** Builds the value of {@code callable(*args)} for the globals this reader accepts. */
    public interface Reducer {
        Object reduce(Global callable, Tuple args);
    }

    static final Set<String> ALLOWED_GLOBALS = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch.FloatStorage",
            "torch.DoubleStorage",
            "torch.HalfStorage",
            "torch.BFloat16Storage",
            "torch.LongStorage",
            "torch.IntStorage",
            "torch.ShortStorage",
            "torch.CharStorage",
            "torch.ByteStorage",
            "torch.BoolStorage");

    // Placeholder for Python's None inside collections that do not accept null.
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final String source;
    private final Function<Tuple, Object> persistentLoad;
    private final Reducer reducer;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private Unpickler(byte[] data, String source, Function<Tuple, Object> persistentLoad, Reducer reducer) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.persistentLoad = persistentLoad;
        this.reducer = reducer;
    }

    /**
     * Reads one pickle.
     *
     * @param data the pickle bytes
     * @param source names the file in error messages, e.g. {@code encoder.ckpt:encoder/data.pkl}
     * @param persistentLoad resolves a {@code BINPERSID} tuple (a storage reference)
     * @param reducer builds values for {@code REDUCE} on an allowed global
     * @return the unpickled object: {@code Map} for dicts, {@code List} for lists, {@link Tuple},
     *     {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code null}
     */
    public static Object load(byte[] data, String source, Function<Tuple, Object> persistentLoad, Reducer reducer) {
        return new Unpickler(data, source, persistentLoad, reducer).run();
    }

    private Object run() {
        try {
            return loop();
        } catch (BufferUnderflowException e) {
            throw fail("ends in the middle of an opcode (truncated file?)", in.position());
        }
    }

    private Object loop() {
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("ends without STOP (truncated file?)", in.position());
            }
            int pos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw fail("pickle protocol " + proto + " is not supported", pos);
                    }
                }
                case 0x95 -> in.getLong(); // FRAME: a length prefix only, no meaning for the reader
                case '.' -> { // STOP
                    Object result = pop(pos);
                    return result == NONE ? null : result;
                }
                case '(' -> { // MARK
                    marks.push(stack.size());
                    stack.push(MARK);
                }
                case '}' -> stack.push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> stack.push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> stack.push(new Tuple(List.of())); // EMPTY_TUPLE
                case 't' -> stack.push(new Tuple(popToMark(pos))); // TUPLE
                case 0x85 -> stack.push(new Tuple(List.of(pop(pos)))); // TUPLE1
                case 0x86 -> { // TUPLE2
                    Object b = pop(pos);
                    Object a = pop(pos);
                    stack.push(new Tuple(List.of(a, b)));
                }
                case 0x87 -> { // TUPLE3
                    Object c = pop(pos);
                    Object b = pop(pos);
                    Object a = pop(pos);
                    stack.push(new Tuple(List.of(a, b, c)));
                }
                case 'X' -> stack.push(string(u32(pos), pos)); // BINUNICODE
                case 0x8c -> stack.push(string(u8(), pos)); // SHORT_BINUNICODE
                case 'J' -> stack.push((long) in.getInt()); // BININT
                case 'K' -> stack.push((long) u8()); // BININT1
                case 'M' -> stack.push((long) (in.getShort() & 0xffff)); // BININT2
                case 0x8a -> stack.push(long1(pos)); // LONG1
                case 'G' -> { // BINFLOAT, big-endian unlike every other number
                    in.order(ByteOrder.BIG_ENDIAN);
                    double d = in.getDouble();
                    in.order(ByteOrder.LITTLE_ENDIAN);
                    stack.push(d);
                }
                case 'N' -> stack.push(NONE); // NONE
                case 0x88 -> stack.push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> stack.push(Boolean.FALSE); // NEWFALSE
                case 'c' -> stack.push(global(readLine(pos), readLine(pos), pos)); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop(pos);
                    Object module = pop(pos);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings", pos);
                    }
                    stack.push(global(m, n, pos));
                }
                case 'Q' -> { // BINPERSID
                    Object pid = pop(pos);
                    if (!(pid instanceof Tuple t)) {
                        throw fail("persistent id is not a tuple: " + pid, pos);
                    }
                    stack.push(nonNull(persistentLoad.apply(t)));
                }
                case 'R' -> { // REDUCE
                    Object args = pop(pos);
                    Object callable = pop(pos);
                    if (!(callable instanceof Global g) || !(args instanceof Tuple t)) {
                        throw fail("REDUCE needs a global and a tuple, got " + callable + " and " + args, pos);
                    }
                    stack.push(nonNull(reducer.reduce(g, t)));
                }
                case 'b' -> { // BUILD
                    Object state = pop(pos);
                    Object target = peek(pos);
                    // An OrderedDict state_dict carries its _metadata (module versions) as instance
                    // state; the tensors are already in the dict, so the state is not needed.
                    if (!(target instanceof Map) || !(state instanceof Map || state == NONE)) {
                        throw fail("BUILD is only accepted on a dict, got " + target, pos);
                    }
                }
                case 's' -> { // SETITEM
                    Object value = pop(pos);
                    Object key = pop(pos);
                    dict(peek(pos), pos).put(key, value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popToMark(pos);
                    Map<Object, Object> d = dict(peek(pos), pos);
                    if (items.size() % 2 != 0) {
                        throw fail("SETITEMS with an odd number of items", pos);
                    }
                    for (int i = 0; i < items.size(); i += 2) {
                        d.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object value = pop(pos);
                    list(peek(pos), pos).add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popToMark(pos);
                    list(peek(pos), pos).addAll(items);
                }
                case 'q' -> memo.put(u8(), peek(pos)); // BINPUT
                case 'r' -> memo.put(u32(pos), peek(pos)); // LONG_BINPUT
                case 0x94 -> memo.put(memo.size(), peek(pos)); // MEMOIZE
                case 'h' -> stack.push(memoGet(u8(), pos)); // BINGET
                case 'j' -> stack.push(memoGet(u32(pos), pos)); // LONG_BINGET
                default -> throw fail(
                        "unsupported pickle opcode 0x" + Integer.toHexString(op)
                                + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "")
                                + "; only the opcodes torch.save emits for a state dict are accepted",
                        pos);
            }
        }
    }

    static Object nonNull(Object o) {
        return o == null ? NONE : o;
    }

    private Global global(String module, String name, int pos) {
        String full = module + "." + name;
        if (!ALLOWED_GLOBALS.contains(full)) {
            throw fail("refuses global " + full + "; a state dict only references " + ALLOWED_GLOBALS, pos);
        }
        return new Global(module, name);
    }

    private int u8() {
        return in.get() & 0xff;
    }

    private int u32(int pos) {
        int v = in.getInt();
        if (v < 0) {
            throw fail("length or index " + Integer.toUnsignedString(v) + " is too large", pos);
        }
        return v;
    }

    private long long1(int pos) {
        int n = u8();
        if (n > 8) {
            throw fail("LONG1 of " + n + " bytes does not fit in 64 bits", pos);
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) (in.get() & 0xff) << (8 * i);
        }
        if (n > 0 && n < 8 && (v >>> (8 * n - 1) & 1) == 1) {
            v |= -1L << (8 * n); // sign-extend two's complement
        }
        return v;
    }

    private String string(int length, int pos) {
        if (length > in.remaining()) {
            throw fail("string of " + length + " bytes runs past the end", pos);
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String readLine(int pos) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining() || sb.length() > 256) {
                throw fail("unterminated GLOBAL name", pos);
            }
            byte b = in.get();
            if (b == '\n') {
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    private Object memoGet(int index, int pos) {
        Object o = memo.get(index);
        if (o == null) {
            throw fail("memo index " + index + " was never stored", pos);
        }
        return o;
    }

    private Object pop(int pos) {
        if (stack.isEmpty() || stack.peek() == MARK) {
            throw fail("stack underflow", pos);
        }
        return stack.pop();
    }

    private Object peek(int pos) {
        if (stack.isEmpty() || stack.peek() == MARK) {
            throw fail("stack underflow", pos);
        }
        return stack.peek();
    }

    private List<Object> popToMark(int pos) {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack", pos);
        }
        int depth = marks.pop();
        List<Object> items = new ArrayList<>();
        while (stack.size() > depth + 1) {
            items.add(0, stack.pop());
        }
        stack.pop(); // the MARK itself
        return items;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, int pos) {
        if (!(o instanceof Map)) {
            throw fail("expected a dict on the stack, got " + o, pos);
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, int pos) {
        if (!(o instanceof List)) {
            throw fail("expected a list on the stack, got " + o, pos);
        }
        return (List<Object>) o;
    }

    private ModelFolderException fail(String what, int pos) {
        return new ModelFolderException(source + ": " + what + " (at byte " + pos + ")");
    }

    /** The failure to report from a reducer or persistent loader, naming the file. */
    public static ModelFolderException error(String source, String what) {
        return new ModelFolderException(source + ": " + what);
    }
}
