@testable import Environments
