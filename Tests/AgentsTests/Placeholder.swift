@testable import Agents
