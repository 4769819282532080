import Testing

@testable import Project

@Suite struct JinjaDetectionTests {
  @Test(arguments: [
    ("{{ var('x') }}", true), ("a {% if x %}b{% endif %}", true), ("ends with {{", true),
    ("{", false), ("", false), ("{ {", false), ("a } { b", false), ("plain text", false),
    ("naïve {{ doc('x') }}", true), ("{#comment#}", false),
  ])
  func findsJinjaOpenersOnly(text: String, expected: Bool) {
    #expect(YAMLJinja.holdsJinja(text) == expected)
  }

  @Test func findsJinjaInBridgedAndSubstringStrings() {
    let long = String(repeating: "x", count: 1000) + "{%"
    #expect(YAMLJinja.holdsJinja(String(long.dropFirst(10))))
    #expect(!YAMLJinja.holdsJinja(String(long.dropLast(1))))
  }
}
