import Foundation
import Glibc

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of a MANSCDP body (the XML of GB/T 28181's MESSAGE and NOTIFY), with names matched in any case.
public struct MANSCDPElement: Sendable, Equatable {
    public var name: String
    public var text: String
    public var children: [MANSCDPElement]

    /// The first child named `name` (any case).
    public func child(_ name: String) -> MANSCDPElement? {
        children.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    public func children(_ name: String) -> [MANSCDPElement] {
        children.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The trimmed text of the child at `path` (`value("Info", "PTZType")`), nil when absent or empty.
    public func value(_ path: String...) -> String? {
        var element: MANSCDPElement? = self
        for name in path { element = element?.child(name) }
        let text = element?.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : nil
    }
}

/// A decoded MANSCDP body: `<Notify|Query|Response|Control>` with its `CmdType`, `SN` and `DeviceID`.
public struct MANSCDPMessage: Sendable, Equatable {
    public var root: MANSCDPElement

    /// `Notify`, `Query`, `Response` or `Control`, as sent.
    public var kind: String { root.name }
    public var command: String? { root.value("CmdType") }
    public var serialNumber: Int? { root.value("SN").flatMap { Int($0) } }
    public var deviceID: String? { root.value("DeviceID") }

    /// Decodes a body whatever its declaration says (devices declare GB2312 and send GBK or GB 18030 names, or send
    /// UTF-8 with no declaration): see `text(_:)`. Element names match in any case.
    public static func decode(_ body: [UInt8]) throws(SIPParseError) -> MANSCDPMessage {
        guard let text = Self.text(body) else { throw SIPParseError("the body is neither GB 18030 nor UTF-8") }
        // The declaration's encoding no longer holds once the text is decoded: hand the parser UTF-8 without it.
        var xml = text
        if let declaration = xml.range(of: #"<\?xml[^>]*\?>"#, options: .regularExpression) {
            xml.removeSubrange(declaration)
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw SIPParseError("the body is not XML: \(parser.parserError.map { "\($0)" } ?? "no root element")")
        }
        return MANSCDPMessage(root: root)
    }

    /// The body's text. Bytes that are valid UTF-8 are read as UTF-8 (devices that send UTF-8 often declare nothing
    /// or GB2312); GB-encoded Chinese is almost never valid UTF-8 (its lead bytes 0x81–0xFE are followed by bytes
    /// UTF-8 forbids there), so everything else is read as GB 18030, a superset of GB2312 and GBK.
    static func text(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self) ?? GB18030.decode(bytes)
    }
}

/// GB 18030 through glibc's iconv.
public enum GB18030 {
    public static func decode(_ bytes: [UInt8]) -> String? {
        convert(bytes, from: "GB18030", to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
    }

    public static func encode(_ text: String) -> [UInt8]? { convert(Array(text.utf8), from: "UTF-8", to: "GB18030") }

    static func convert(_ bytes: [UInt8], from: String, to: String) -> [UInt8]? {
        let descriptor = iconv_open(to, from)
        guard let descriptor, Int(bitPattern: descriptor) != -1 else { return nil }
        defer { iconv_close(descriptor) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inputPointer = UnsafeMutableRawPointer(inputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inputLeft = inputBuffer.count
                var outputPointer = UnsafeMutableRawPointer(outputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outputLeft = outputBuffer.count
                // One call converts everything; (size_t)-1 is an invalid or incomplete sequence.
                let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                return result == Int.max.magnitude || inputLeft != 0 ? nil : outputBuffer.count - outputLeft
            }
        }
        return produced.map { Array(output.prefix($0)) }
    }
}

/// Builds the element tree; lives for one parse on one thread.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [MANSCDPElement] = []
    var root: MANSCDPElement?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(MANSCDPElement(name: elementName, text: "", children: []))
        // Attributes matter only for DeviceList's Num, which the item count gives anyway.
        if stack.count > 32 { parser.abortParsing() }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast() else { return }
        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
    }
}
