// genheap: writes a deterministic, heap-like object graph for the benchmarks.
//
//   genheap OBJECTS SEED OUT_PREFIX
//
// writes OUT_PREFIX.jsonl (native refgraph dump), OUT_PREFIX.edges (edge list,
// "referrer referent" per line), OUT_PREFIX.roots (root ids, one per line)
// and OUT_PREFIX.targets (ids of interesting targets: the deep end of the
// long chain, a hub member, a cycle member).
//
// Shape, per million objects: power-law out-degree averaging about 3 for
// containers; strings and ints with none; every object reachable from a few
// roots (which nothing refers to); one chain of a tenth of the objects; a
// few hubs (module dicts and big lists) with 100k referrers or referents;
// back edges that make cycles.
import Foundation

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        return s
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

let args = CommandLine.arguments
guard args.count == 4, let n = Int(args[1]), let seed = UInt64(args[2]) else {
    FileHandle.standardError.write("usage: genheap OBJECTS SEED OUT_PREFIX\n".data(using: .utf8)!)
    exit(2)
}
let prefix = args[3]
var rng = Rng(s: seed | 1)

let types = ["dict", "str", "tuple", "list", "function", "int", "app.Model", "bytes", "set", "cell"]
let typeWeights = [22, 30, 14, 5, 8, 10, 6, 2, 2, 1]
let leaf: Set<Int> = [1, 5, 7]  // str, int, bytes
var typeOf = [UInt8](repeating: 0, count: n)
var sizeOf = [UInt32](repeating: 0, count: n)
let totalWeight = typeWeights.reduce(0, +)
for i in 0..<n {
    var r = rng.below(totalWeight), t = 0
    while r >= typeWeights[t] { r -= typeWeights[t]; t += 1 }
    typeOf[i] = UInt8(t)
    sizeOf[i] = UInt32([232, 49 + rng.below(200), 40 + 8 * rng.below(6), 56 + 8 * rng.below(20), 136, 28, 33 + rng.below(1000), 216, 216, 40][t])
}
let rootCount = 8
// Roots are containers.
for r in 0..<rootCount { typeOf[r] = 0 }
let hubs = [rootCount, rootCount + 1, rootCount + 2, rootCount + 3]  // module dicts and big lists
for h in hubs { typeOf[h] = h % 2 == 0 ? 0 : 3 }

// Adjacency as CSR built from an edge list.
var src: [UInt32] = []
var dst: [UInt32] = []
src.reserveCapacity(n * 3)
dst.reserveCapacity(n * 3)
func edge(_ a: Int, _ b: Int) { src.append(UInt32(a)); dst.append(UInt32(b)) }

// 1. A spanning structure: every non-root object gets a container parent
//    among recent objects, so the heap is reachable and locality is realistic.
let chainStart = n / 2
let chainLength = max(10, n / 10)
var lastContainer = 0
for i in rootCount..<n {
    if i > chainStart && i < chainStart + chainLength {
        edge(i - 1, i)  // the long chain
        typeOf[i - 1] = 0
    } else if i < rootCount + hubs.count {
        edge(i % rootCount, i)
    } else {
        let p = rng.unit() < 0.05 ? hubs[rng.below(hubs.count)] : (rng.unit() < 0.5 ? lastContainer : max(0, i - 1 - rng.below(min(i, 1000))))
        let parent = leaf.contains(Int(typeOf[p])) ? lastContainer : p
        edge(parent, i)
    }
    if !leaf.contains(Int(typeOf[i])) { lastContainer = i }
}
// 2. Extra references, power-law out-degree for containers, some pointing back (cycles).
for i in rootCount..<n where !leaf.contains(Int(typeOf[i])) {
    let u = max(rng.unit(), 1e-9)
    let extra = min(Int(2.2 / pow(u, 0.6)) - 1, 5000)
    for _ in 0..<max(0, extra) {
        let back = rng.unit() < 0.15
        var t = back ? max(rootCount, i - 1 - rng.below(min(i - rootCount, 100))) : rootCount + rng.below(n - rootCount)
        // Nothing outside the chain points into it, so its far end is really deep.
        if t > chainStart && t < chainStart + chainLength && !(i > chainStart && i < chainStart + chainLength) { t = chainStart }
        edge(i, t)
    }
}
// 3. Hubs: many functions refer to the module dicts (__globals__), the big lists hold many objects.
let hubFan = min(100_000, n / 10)
for k in 0..<hubFan {
    let f = rootCount + rng.below(n - rootCount)
    edge(f, hubs[0])
    edge(hubs[1], rootCount + (k * 7919) % (n - rootCount))
}

// Counting sort by source.
var offsets = [Int](repeating: 0, count: n + 1)
for s in src { offsets[Int(s) + 1] += 1 }
for i in 0..<n { offsets[i + 1] += offsets[i] }
var fill = offsets
var adj = [UInt32](repeating: 0, count: src.count)
for (k, s) in src.enumerated() { adj[fill[Int(s)]] = dst[k]; fill[Int(s)] += 1 }

let base: UInt64 = 0x7f00_0000_0000
func address(_ i: Int) -> UInt64 { base + UInt64(i) * 16 }

final class Out {
    let h: FileHandle
    var buf: [UInt8] = []
    init(_ path: String) {
        FileManager.default.createFile(atPath: path, contents: nil)
        h = FileHandle(forWritingAtPath: path)!
        buf.reserveCapacity(1 << 22)
    }
    func write(_ s: String) {
        buf.append(contentsOf: s.utf8)
        if buf.count > 1 << 22 { flush() }
    }
    func flush() { h.write(Data(buf)); buf.removeAll(keepingCapacity: true) }
    func close() { flush(); h.closeFile() }
}

let native = Out(prefix + ".jsonl")
let edges = Out(prefix + ".edges")
native.write("{\"record\": \"header\", \"format\": \"refgraph\", \"version\": 1, \"python\": \"3.11.7\", \"implementation\": \"cpython\", \"pid\": 4242, \"time\": 1763769600.0, \"values\": false, \"generator\": \"genheap \(n) \(seed)\"}\n")
var refsTotal = 0
for i in 0..<n {
    let t = Int(typeOf[i])
    var line = "{\"address\": \(address(i)), \"type\": \"\(types[t])\", \"size\": \(sizeOf[i]), \"refs\": ["
    var labels = ""
    let range = offsets[i]..<offsets[i + 1]
    var first = true
    for e in range {
        let j = Int(adj[e])
        if !first { line += ", "; labels += ", " }
        first = false
        line += String(address(j))
        switch t {
        case 0: labels += "\"['k\((e - range.lowerBound) % 64)']\""
        case 4: labels += "\"__globals__\""
        default: labels += "\"[\(e - range.lowerBound)]\""
        }
        edges.write("\(address(i)) \(address(j))\n")
    }
    line += "], \"labels\": [" + labels + "]"
    if i < rootCount { line += ", \"root\": \"\(i == 0 ? "sys.modules" : i < 4 ? "frame" : "external")\"" }
    line += "}\n"
    native.write(line)
    refsTotal += range.count
}
native.write("{\"record\": \"trailer\", \"objects\": \(n), \"references\": \(refsTotal)}\n")
native.close()
edges.close()
try! (0..<rootCount).map { String(address($0)) }.joined(separator: "\n").appending("\n").write(toFile: prefix + ".roots", atomically: true, encoding: .utf8)
let targets = [chainStart + chainLength - 1, hubs[0], n - 1].map { String(address($0)) }
try! (targets.joined(separator: "\n") + "\n").write(toFile: prefix + ".targets", atomically: true, encoding: .utf8)
print("genheap: \(n) objects, \(refsTotal) references -> \(prefix).jsonl, .edges, .roots, .targets")
