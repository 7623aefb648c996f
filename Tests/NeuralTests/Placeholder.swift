@testable import Neural
