@testable import Experiments
