package compute

// ServiceSettings is a microservice as its stack config declares it (secure-vpc:services.<name>);
// the config loader fills the defaults and checks the ranges, Service embeds it.
type ServiceSettings struct {
	// Name is the service's config name, a DNS label. The component takes its name as an
	// argument; this one is the spec's.
	Name string
	// Public marks a BFF: the only kind of service with an internet-facing load balancer (Edge).
	// Optional, default false.
	Public bool
	// Port is the TCP port the container serves TLS on, 1024-65535. Required.
	Port int
	// Image is the container image, with a tag or digest (never latest). Required: the loader
	// takes it from image, or, with ImageTag, the platform makes it the stack's own repository
	// of the service (naming.Repository) at that tag or digest once the account is known.
	Image string
	// ImageTag is the tag (awslimits.ECRImageTag, never latest) or digest ("sha256:<64 hex>") of
	// the image in the service's own repository of the stack (services.<name>.imageTag).
	// Optional, exclusive with the configured image.
	ImageTag string
	// Calls are the services it calls; the firewall and the task's environment follow them. Optional.
	Calls []string
	// Egress are the host names on the internet the service calls over HTTPS ("api.example.com",
	// "*.example.com"), each accepted by awslimits.EgressNameProblem. Optional.
	Egress []string
	// InternetEgress lets the service reach HTTPS on the internet through NAT: true exactly when it
	// declares Egress destinations (the loader derives it).
	InternetEgress bool
	// CPU is the task's CPU, in CPU units (1024 = 1 vCPU), a Fargate size. Default 256.
	CPU int
	// Memory is the task's memory, in MiB, a Fargate size for the CPU. Default 512.
	Memory int
	// DesiredCount is the number of tasks, at least 1. Default 1 in dev, 2 in staging and prod.
	DesiredCount int
	// HealthCheckPath is the path a BFF's load balancer requests over HTTPS on its tasks. Default
	// /healthz; only BFFs use it.
	HealthCheckPath string
}

// EdgeSettings is the internet-facing side of the BFFs as the stack config declares it
// (secure-vpc:edge); Edge embeds it.
type EdgeSettings struct {
	// CertificateARN is the ACM certificate of the BFFs' listeners, in the stack's region.
	// Optional in dev only: empty means a self-signed certificate is made and imported.
	CertificateARN string
	// DomainName is the parent DNS name of the BFFs: each is served as <name>.<DomainName> (its
	// URL, and the self-signed certificate's name in dev). Optional: empty means the load
	// balancer's own DNS name.
	DomainName string
	// RateLimit is the most requests one client IP may make in 5 minutes before the WAF blocks
	// it, at least 10 (WAF's minimum). Required.
	RateLimit int
}
