package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/network/netplan"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// Project is the Pulumi project name (contract.Project); config keys live in its namespace.
const Project = contract.Project

// Environment selects the safe defaults of a stack. Security never differs between
// environments; cost and blast-radius settings do.
type Environment string

// The environments.
const (
	Dev     Environment = "dev"
	Staging Environment = "staging"
	Prod    Environment = "prod"
)

// Environments are the valid environments.
var Environments = []Environment{Dev, Staging, Prod}

// NATStrategy says how the private tier reaches the internet (none, single or perAz).
type NATStrategy = netplan.NATStrategy

// The NAT strategies.
const (
	NATNone   = netplan.NATNone
	NATSingle = netplan.NATSingle
	NATPerAZ  = netplan.NATPerAZ
)

// CacheEngine is the ElastiCache engine of a cache.
type CacheEngine = data.CacheEngine

// The cache engines.
const (
	Valkey = data.Valkey
	Redis  = data.Redis
)

// Spec is the validated, typed form of a stack's config: everything the components build from.
type Spec struct {
	Stack       string
	Environment Environment
	Region      string
	Network     Network
	Services    map[string]Service
	Databases   map[string]Database
	Buckets     map[string]Bucket
	Caches      map[string]Cache
	Secrets     map[string]AppSecret
	Edge        Edge
	// IdentityKeyGenerations are the identity-token signing key's generations
	// (edge.identityKeyGenerations, default [1]): the highest signs, all are verified.
	IdentityKeyGenerations []int
	// IdentitySigningGeneration is the generation that signs (edge.identitySigningGeneration); 0
	// means the highest.
	IdentitySigningGeneration int
	// DeployRoleArns are the IAM roles that deploy the stack (deploy.roleArns), sorted: the only
	// principals a secret's resource policy lets change it.
	DeployRoleArns []string
	// ImagePushRoleArns are the IAM roles that push images to the stack's repositories
	// (deploy.imagePushRoleArns), sorted, beside DeployRoleArns. Optional.
	ImagePushRoleArns []string
	// EnhancedImageScanning turns on ECR enhanced scanning (Amazon Inspector, continuous) for
	// the account's registry in the stack's region (deploy.enhancedImageScanning): account-wide,
	// owned by one stack per account and region. Default false.
	EnhancedImageScanning bool
	// CAGenerations are the generations of the internal CA (vault.caGenerations), ascending, one
	// or two; every service trusts all of them. [1] by default.
	CAGenerations []int
	// CAIssuingGeneration is the generation that issues the services' certificates
	// (vault.caIssuingGeneration), one of CAGenerations; 0, the default, means the highest.
	CAIssuingGeneration int
	// CertificateAuthority is which internal CA issues the services' certificates
	// (vault.certificateAuthority): secrets.PulumiTLS by default, or secrets.AWSPrivateCA.
	CertificateAuthority secrets.CertificateAuthority
	// Quotas are the account's applied values of the adjustable AWS quotas the loader checks,
	// by secure-vpc:quotas key (AWS's defaults unless the config says otherwise).
	Quotas map[string]int
	// Notices are what the loader accepts but a reviewer should know, one line each naming its
	// key: a PostgreSQL major about to leave RDS standard support.
	Notices []string
	// The project's decisions for the environment, which no config key overrides (settings.go).

	// Protect marks stateful resources (keys, log groups, databases, buckets) with Pulumi's
	// `protect` and turns on AWS deletion protection: false in dev, true in staging and prod.
	Protect bool
	// CacheNodes are the nodes of each cache: 1 in dev, 2 (a replica in a second zone, with
	// automatic failover) in staging and prod.
	CacheNodes int
	// CacheSnapshotRetentionDays are the daily snapshots each cache keeps: 1 in dev, 7 in staging
	// and prod.
	CacheSnapshotRetentionDays int
	// SecretRecoveryWindowDays is how long a deleted secret can be restored, in days: 7 in dev,
	// 30 in staging and prod.
	SecretRecoveryWindowDays int
	// BucketObjectLockDays is the default retention, in days, of Object Lock (governance mode) on
	// the data buckets: 0 (off) in dev, 7 in staging, 30 in prod.
	BucketObjectLockDays int
	// HealthCheckGraceSeconds is how long ECS ignores a BFF's new task's health checks: 60.
	HealthCheckGraceSeconds int
}

// The settings of the network, a service, a database, a cache and the edge are declared by the
// components that build them (each component's Args embeds its settings), so that the spec and
// the components cannot drift apart.
type (
	// Network is the VPC of the stack.
	Network = netplan.Settings
	// Service is one microservice of the graph.
	Service = compute.ServiceSettings
	// Database is a PostgreSQL database owned by exactly one service.
	Database = data.DatabaseSettings
	// Cache is an ElastiCache replication group with the services that may use it.
	Cache = data.CacheSettings
	// Edge is the internet-facing side of the BFFs.
	Edge = compute.EdgeSettings
)

// Bucket is an S3 bucket with the services that may read and write it.
type Bucket struct {
	Name    string
	Readers []string
	Writers []string
}

// AppSecret is an application credential kept in Secrets Manager. Its value comes from
// `pulumi config set --secret --path 'secretValues.<name>'` and is only ever a Pulumi secret.
type AppSecret struct {
	Name        string
	Description string
	Readers     []string
	HasValue    bool
	value       string // plaintext only in memory; leaves only as a Pulumi secret (Value)
}

// Value is the secret's value as a Pulumi secret.
func (s AppSecret) Value() pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(s.value)).(pulumi.StringOutput)
}

// Scope is the stack scope every component is built in, in the given AWS account.
func (s *Spec) Scope(account string) stack.Scope {
	return stack.Scope{Project: Project, Stack: s.Stack, Region: s.Region, AccountID: account, Protect: s.Protect}
}

// RDSInstances are the identifiers of the stack's RDS instances (naming.DBIdentifier), sorted.
func (s *Spec) RDSInstances() []string {
	var out []string
	for _, name := range sortedNames(s.Databases) {
		out = append(out, naming.DBIdentifier(name, s.Stack))
	}
	return out
}

// DataPorts lists the distinct ports of the stores in the isolated tier, in ascending order.
func (s *Spec) DataPorts() []int {
	seen := map[int]bool{}
	for _, d := range s.Databases {
		seen[d.Port] = true
	}
	for _, c := range s.Caches {
		seen[c.Port] = true
	}
	return sortedKeys(seen)
}

// FirewallGraph is the service graph as the firewall plans it.
func (s *Spec) FirewallGraph() netplan.FirewallGraph {
	var g netplan.FirewallGraph
	for _, name := range sortedNames(s.Services) {
		svc := s.Services[name]
		g.Services = append(g.Services, netplan.ServiceNode{Name: name, Port: svc.Port, Public: svc.Public, Calls: svc.Calls, InternetEgress: svc.InternetEgress})
	}
	for _, name := range sortedNames(s.Databases) {
		d := s.Databases[name]
		g.Databases = append(g.Databases, netplan.StoreNode{Name: name, Port: d.Port, Users: []string{d.Owner}, Migration: naming.Migration(name)})
	}
	for _, name := range sortedNames(s.Caches) {
		c := s.Caches[name]
		g.Caches = append(g.Caches, netplan.StoreNode{Name: name, Port: c.Port, Users: c.Users})
	}
	return g
}

// ExtraInterfaceEndpoints are the interface endpoints the spec needs beside
// contract.InterfaceEndpoints: AWS Private CA's when the tasks obtain their certificates from it.
func (s *Spec) ExtraInterfaceEndpoints() []string {
	if s.CertificateAuthority == secrets.AWSPrivateCA {
		return []string{contract.PrivateCAEndpoint}
	}
	return nil
}
