package awslimits

// PortRange is the range of TCP ports a resource may listen on, with why it is bounded.
type PortRange struct {
	Lowest, Highest int
	Why             string // what refuses a port outside the range, for error messages
	Source          string
}

// Contains reports whether a port is in the range.
func (r PortRange) Contains(port int) bool { return port >= r.Lowest && port <= r.Highest }

// Port ranges of what the program runs.
var (
	// TaskPorts are the ports a service's container can listen on: it runs as a non-root user
	// (compute.ContainerUser) with every Linux capability dropped, so without
	// CAP_NET_BIND_SERVICE it cannot bind a port below net.ipv4.ip_unprivileged_port_start, 1024
	// by default; ECS on Fargate does not let a task change that sysctl.
	TaskPorts = PortRange{1024, 65535,
		"the task runs as a non-root user with every Linux capability dropped and cannot bind a port below 1024",
		"https://man7.org/linux/man-pages/man7/capabilities.7.html (CAP_NET_BIND_SERVICE); https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html"}
	// PostgresPorts are the ports RDS for PostgreSQL accepts for a DB instance.
	PostgresPorts = PortRange{1150, 65535,
		"RDS for PostgreSQL accepts ports 1150-65535",
		"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (Port)"}
)

// CachePorts are the ports an ElastiCache replication group accepts.
var CachePorts = PortRange{1, 65535, "ElastiCache accepts ports 1-65535", "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html (Port)"}
