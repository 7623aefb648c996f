import Environments
import Agents
