// libFuzzer entry point for the gzip layer. The first byte picks a mode:
// even, the rest is a raw deflate stream behind a gzip header (so the
// inflater sees arbitrary compressed data, members, truncations); odd, the
// rest is compressed here into one or two gzip members, cut where the second
// byte says (so valid streams reach the loaders, and valid-then-broken ones
// the error paths). Any outcome but a crash, a hang or a sanitizer report is fine.
import RefGraphFuzz
import CZlib

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let body = UnsafeBufferPointer(start: data + 2, count: size - 2)
    var input: [UInt8]
    if data[0] & 1 == 0 {
        input = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    } else {
        let half = body.count / 2
        input = gzip(Array(body[..<half])) + (data[0] & 2 != 0 ? gzip(Array(body[half...])) : [])
        let cut = Int(data[1])
        if cut < 128 && !input.isEmpty { input.removeLast(min(input.count, cut % 16)) }
    }
    _ = input.withUnsafeBytes { b in
        (try? DumpLoader.load(bytes: b, name: "fuzz.gz", options: LoadOptions(allowTruncated: data[1] & 1 == 1, progress: false)))
            .map { Summary($0).text() }
    }
    return 0
}

/// One gzip member of `bytes`.
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard rg_deflate_init_gzip(&stream, 6) == Z_OK else { return [] }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
    var input = bytes
    let produced: Int = input.withUnsafeMutableBufferPointer { inp in
        out.withUnsafeMutableBufferPointer { o in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            stream.next_out = o.baseAddress
            stream.avail_out = UInt32(o.count)
            return deflate(&stream, Z_FINISH) == Z_STREAM_END ? o.count - Int(stream.avail_out) : -1
        }
    }
    return produced < 0 ? [] : Array(out[..<produced])
}
