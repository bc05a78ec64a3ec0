// Package contract is the one home of every name that crosses a package boundary: the type tokens
// of the resources the program writes and the audit reads, the tag keys the components write and
// the invariants read, the values of those tags, and the kinds they name. The writers (network,
// compute, data, secrets) and the readers (query, policy, report, mockcloud, awslimits) use these
// constants and never a literal, so a renamed tag or token cannot leave the audit silently blind:
// TestNoContractLiteralOutsideContract fails on a literal anywhere else, and
// TestEveryWrittenTagIsDeclared fails on a tag a committed stack carries that is not declared
// here. The layout follows cluster-api-provider-aws's api/v1beta2 tags.go: tag keys and
// security-group roles as typed constants in one place.
//
// This package imports nothing of Pulumi or AWS, so readers that use it do not link the AWS SDK.
package contract

// Project is the Pulumi project name: the namespace of the program's config keys, of its
// component type tokens and of its tag keys.
const Project = "secure-vpc"

// TagPrefix starts every tag key the program writes, except AWS's own Name tag.
const TagPrefix = Project + ":"

// Tag keys, as written on AWS resources. Values are plain strings; where a tag holds a kind, its
// values are the typed constants below.
const (
	NameTag       = "Name"                    // AWS console name: "<project>-<stack>-<name>"
	TierTag       = TagPrefix + "tier"        // subnets and route tables: a Tier
	GroupKindTag  = TagPrefix + "group-kind"  // security groups: a GroupKind
	GroupNameTag  = TagPrefix + "group-name"  // security groups: the service, database or cache it guards
	ServiceTag    = TagPrefix + "service"     // roles, task definitions, ECS services, a BFF's certificate: the service
	BFFTag        = TagPrefix + "bff"         // a BFF's load balancer, listeners, target group and WAF: the BFF
	RoleTag       = TagPrefix + "role"        // a service's IAM roles: a RoleKind
	StackTag      = TagPrefix + "stack"       // a service's IAM roles: the Pulumi stack
	PurposeTag    = TagPrefix + "purpose"     // buckets: a Purpose
	OwnerTag      = TagPrefix + "owner"       // databases: the owning service
	UsersTag      = TagPrefix + "users"       // caches: the services that use it, space-separated and sorted
	SecretKindTag = TagPrefix + "secret-kind" // #nosec G101 -- a tag key, not a credential. Secrets: a SecretKind
	DomainTag     = TagPrefix + "domain"      // KMS keys: a KeyDomain
	SelfSignedTag = TagPrefix + "self-signed" // dev's imported self-signed BFF certificate: "true"
)

// TagKeys is every declared tag key.
var TagKeys = []string{NameTag, TierTag, GroupKindTag, GroupNameTag, ServiceTag, BFFTag, RoleTag, StackTag,
	PurposeTag, OwnerTag, UsersTag, SecretKindTag, DomainTag, SelfSignedTag, MigrationTag}

// Tier is a subnet tier (TierTag).
type Tier string

// The tiers.
const (
	Public   Tier = "public"   // load balancers and NAT gateways only
	Private  Tier = "private"  // services and interface endpoints
	Isolated Tier = "isolated" // databases and caches: no route out of the VPC
)

// Tiers are the tiers in CIDR-plan order.
var Tiers = []Tier{Private, Isolated, Public}

// GroupKind is the role of a security group (GroupKindTag).
type GroupKind string

// The security-group kinds.
const (
	ServiceGroup      GroupKind = "service"       // one per service: its tasks
	LoadBalancerGroup GroupKind = "load-balancer" // one per BFF: its internet-facing ALB
	DatabaseGroup     GroupKind = "database"      // one per database
	CacheGroup        GroupKind = "cache"         // one per cache
	AllServicesGroup  GroupKind = "all-services"  // shared by every task: reaches the AWS endpoints
	EndpointsGroup    GroupKind = "endpoints"     // the interface endpoints (owned by the Vpc)
)

// GroupKinds is every security-group kind.
var GroupKinds = []GroupKind{ServiceGroup, LoadBalancerGroup, DatabaseGroup, CacheGroup, AllServicesGroup, EndpointsGroup, MigrationGroup}

// RoleKind is which of a service's two roles a role is (RoleTag).
type RoleKind string

// The role kinds.
const (
	TaskRole      RoleKind = "task"      // the application's credentials
	ExecutionRole RoleKind = "execution" // what ECS uses to pull the image, write logs and inject secrets
)

// SecretKind is what a secret holds (SecretKindTag), and the third segment of its name
// (secure-vpc/<stack>/<kind>/<name>-<suffix>).
type SecretKind string

// The secret kinds.
const (
	AppSecret      SecretKind = "app"      // app credentials from config
	TLSSecret      SecretKind = "tls"      // a service's mTLS certificate, key and the CA
	IdentitySecret SecretKind = "identity" // the BFFs' identity-token key pair
	CacheSecret    SecretKind = "cache"    // a cache's auth token
)

// SecretKinds is every secret kind.
var SecretKinds = []SecretKind{AppSecret, TLSSecret, IdentitySecret, CacheSecret}

// KeyDomain is what a KMS key protects (DomainTag). Each domain has its own key.
type KeyDomain string

// The key domains.
const (
	LogsDomain    KeyDomain = "logs"    // CloudWatch Logs: flow logs, service logs, database logs
	DataDomain    KeyDomain = "data"    // the stores that hold user data: RDS, S3, ElastiCache
	SecretsDomain KeyDomain = "secrets" // Secrets Manager: app secrets, certificates, RDS master passwords
	ImagesDomain  KeyDomain = "images"  // ECR: the services' container images (issue 13, images)
)

// KeyDomains is every key domain.
var KeyDomains = []KeyDomain{LogsDomain, DataDomain, SecretsDomain, ImagesDomain}

// Purpose is what a bucket is for (PurposeTag).
type Purpose string

// The bucket purposes.
const (
	DataPurpose       Purpose = "data"        // a configured bucket
	AccessLogsPurpose Purpose = "access-logs" // the access-log bucket (SSE-S3, the one encryption exception)
)

// Prefixes of the access-log bucket: its policy lets each log writer put objects only under its
// own prefix, and each writer must be configured with the same one.
const (
	ALBAccessLogPrefix = "alb" // the BFFs' load balancers (then AWSLogs/<account>/...)
	S3AccessLogPrefix  = "s3"  // S3 server access logging of the data buckets (then <bucket>/)
)

// NodeKind is what a node of the reachability graph is.
type NodeKind string

// The node kinds.
const (
	InternetNode     NodeKind = "internet"
	ServiceNode      NodeKind = "service"
	LoadBalancerNode NodeKind = "load-balancer"
	DatabaseNode     NodeKind = "database"
	CacheNode        NodeKind = "cache"
	EndpointNode     NodeKind = "endpoint"
	InstanceNode     NodeKind = "instance"          // an EC2 instance (or spot instance request) through its own groups and subnet
	InterfaceNode    NodeKind = "network-interface" // a network interface the stack declares on its own
	UnknownNode      NodeKind = "unknown"           // a node the analysis cannot place: a security group the stack does not hold
)

// PathStatus says how sure the reachability analysis is of a path.
type PathStatus string

// The path statuses.
const (
	PathReachable PathStatus = "reachable"
	PathUnknown   PathStatus = "unknown" // a value the analysis needs is not known: never read as safe
)

// RouteTarget is the kind of a route's target.
type RouteTarget string

// The route target kinds.
const (
	InternetGatewayTarget RouteTarget = "internet-gateway"
	NATGatewayTarget      RouteTarget = "nat-gateway"
	VPCEndpointTarget     RouteTarget = "vpc-endpoint"
	OtherTarget           RouteTarget = "other"
)

// Component type tokens (<project>:<package>:<Component>).
const (
	TypeKeyring    = Project + ":secrets:Keyring"
	TypeVault      = Project + ":secrets:Vault"
	TypeVpcComp    = Project + ":network:Vpc"
	TypeFirewall   = Project + ":network:Firewall"
	TypeIdentities = Project + ":compute:Identities"
	TypeCluster    = Project + ":compute:Cluster"
	TypeEdge       = Project + ":compute:Edge"
	TypeService    = Project + ":compute:Service"
	TypeDatabase   = Project + ":data:Database"
	TypeBucketComp = Project + ":data:Bucket"
	TypeLogBucket  = Project + ":data:LogBucket"
	TypeCacheComp  = Project + ":data:Cache"
)

// Pulumi's own type tokens.
const (
	TypeStack          = "pulumi:pulumi:Stack"
	TypeProviderPrefix = "pulumi:providers:" // followed by the package name
)

// Resource type tokens of pulumi-aws v6 and pulumi-tls v5 that the program writes or the audit
// reads (TestEveryWrittenTypeIsDeclared checks that every type a committed stack's plan holds is
// one of these; the plan's types are the SDKs' own, recorded by the mock).
const (
	TypeALBListener          = "aws:alb/listener:Listener"
	TypeALBLoadBalancer      = "aws:alb/loadBalancer:LoadBalancer"
	TypeALBTargetGroup       = "aws:alb/targetGroup:TargetGroup"
	TypeLogGroup             = "aws:cloudwatch/logGroup:LogGroup"
	TypeDefaultNetworkACL    = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
	TypeDefaultSecurityGroup = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	TypeEip                  = "aws:ec2/eip:Eip"
	TypeFlowLog              = "aws:ec2/flowLog:FlowLog"
	TypeInternetGateway      = "aws:ec2/internetGateway:InternetGateway"
	TypeNatGateway           = "aws:ec2/natGateway:NatGateway"
	TypeNetworkACL           = "aws:ec2/networkAcl:NetworkAcl"
	TypeNetworkACLAssoc      = "aws:ec2/networkAclAssociation:NetworkAclAssociation"
	TypeNetworkACLRule       = "aws:ec2/networkAclRule:NetworkAclRule"
	TypeRoute                = "aws:ec2/route:Route"
	TypeRouteTable           = "aws:ec2/routeTable:RouteTable"
	TypeRouteTableAssoc      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	TypeSecurityGroup        = "aws:ec2/securityGroup:SecurityGroup"
	TypeSGRule               = "aws:ec2/securityGroupRule:SecurityGroupRule"
	TypeSubnet               = "aws:ec2/subnet:Subnet"
	TypeVpc                  = "aws:ec2/vpc:Vpc"
	TypeVpcEndpoint          = "aws:ec2/vpcEndpoint:VpcEndpoint"
	TypeECSService           = "aws:ecs/service:Service"
	TypeTaskDefinition       = "aws:ecs/taskDefinition:TaskDefinition"
	TypeCache                = "aws:elasticache/replicationGroup:ReplicationGroup"
	TypeCacheSubnetGroup     = "aws:elasticache/subnetGroup:SubnetGroup"
	TypeIAMPolicy            = "aws:iam/policy:Policy"
	TypeIAMRole              = "aws:iam/role:Role"
	TypeRolePolicy           = "aws:iam/rolePolicy:RolePolicy"
	TypeKMSAlias             = "aws:kms/alias:Alias"
	TypeKMSKey               = "aws:kms/key:Key"
	TypeListener             = "aws:lb/listener:Listener"
	TypeLoadBalancer         = "aws:lb/loadBalancer:LoadBalancer"
	TypeTargetGroup          = "aws:lb/targetGroup:TargetGroup"
	TypeDBInstance           = "aws:rds/instance:Instance"
	TypeDBParameterGroup     = "aws:rds/parameterGroup:ParameterGroup"
	TypeDBSubnetGroup        = "aws:rds/subnetGroup:SubnetGroup"
	TypeBucketLifecycle      = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	TypeBucketLogging        = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	TypeBucketOwnership      = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	TypeBucketPolicy         = "aws:s3/bucketPolicy:BucketPolicy"
	TypeBucketPAB            = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketSSE            = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeBucket               = "aws:s3/bucketV2:BucketV2"
	TypeBucketVersioning     = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeSecret               = "aws:secretsmanager/secret:Secret"
	TypeSecretPolicy         = "aws:secretsmanager/secretPolicy:SecretPolicy"
	TypeSecretVersion        = "aws:secretsmanager/secretVersion:SecretVersion"
	TypeSGEgressRule         = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	TypeSGIngressRule        = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	TypeWebACL               = "aws:wafv2/webAcl:WebAcl"
	TypeWebACLAssociation    = "aws:wafv2/webAclAssociation:WebAclAssociation"
	TypeACMCertificate       = "aws:acm/certificate:Certificate"
	TypeECSCluster           = "aws:ecs/cluster:Cluster"
	TypeDNSNamespace         = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"
	TypeDiscoveryService     = "aws:servicediscovery/service:Service"
	TypeWebACLLogging        = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	TypeTLSPrivateKey        = "tls:index/privateKey:PrivateKey"
	TypeTLSCertRequest       = "tls:index/certRequest:CertRequest"
	TypeTLSLocallySignedCert = "tls:index/locallySignedCert:LocallySignedCert"
	TypeTLSSelfSignedCert    = "tls:index/selfSignedCert:SelfSignedCert"
)

// Resource types the program does not write but the audit models when another program's stack
// holds them: hosts and their addresses are nodes of the reachability graph.
const (
	TypeInstance                     = "aws:ec2/instance:Instance"
	TypeSpotInstanceRequest          = "aws:ec2/spotInstanceRequest:SpotInstanceRequest"
	TypeNetworkInterface             = "aws:ec2/networkInterface:NetworkInterface"
	TypeNetworkInterfaceAttachment   = "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment"
	TypeNetworkInterfaceSGAttachment = "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment"
	TypeEIPAssoc                     = "aws:ec2/eipAssociation:EipAssociation" // #nosec G101 -- a type token ("eiPASSociation"), not a credential
	TypeDefaultRouteTable            = "aws:ec2/defaultRouteTable:DefaultRouteTable"
	TypeMainRouteTableAssoc          = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
)

// Function tokens of pulumi-aws v6 the program invokes.
const (
	FuncCallerIdentity    = "aws:index/getCallerIdentity:getCallerIdentity"
	FuncPartition         = "aws:index/getPartition:getPartition"
	FuncELBServiceAccount = "aws:elb/getServiceAccount:getServiceAccount"
)

// The VPC endpoints the network writes and the audit (NET-07) requires, by the short name of
// their AWS service (the part after "com.amazonaws.<region>.").
const S3GatewayEndpoint = "s3" // the S3 gateway endpoint (a route, not an interface)

// InterfaceEndpoints are the AWS APIs a Fargate service needs with no NAT at all: image pulls
// (ecr.api, ecr.dkr; layers come through the S3 gateway endpoint), logs, secrets, keys and STS.
// Each is a private-DNS interface endpoint in every VPC.
var InterfaceEndpoints = []string{"secretsmanager", "kms", "ecr.api", "ecr.dkr", "logs", "sts"}

// Issue 12, bucket perimeter: the type token of a bucket's Object Lock configuration (Object Lock
// on, with a default retention), which data buckets of a stack that protects its stores carry.
const TypeBucketObjectLock = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"

// Issue 12, item 3 (database access without the superuser): each database has a one-off
// migration task, the only principal that reads its RDS-managed master secret. Its name is
// "<database>-migration" (naming.Migration).
const (
	// MigrationTag names a migration task: on a database, the migration task it admits (beside
	// its owner, OwnerTag); on the migration's IAM roles, task definition and log group, the
	// migration they belong to. The migration's roles carry RoleTag but never StackTag, so no
	// policy that admits the stack's roles by those two tags admits them.
	MigrationTag = TagPrefix + "migration"
	// MigrationGroup is the security group of a database's migration task (GroupNameTag: the
	// migration's name): it reaches its database on its port and the AWS endpoints, nothing else.
	MigrationGroup GroupKind = "migration"
	// MigrationNode is a migration task in the reachability graph: its group, in the private tier.
	MigrationNode NodeKind = "migration"
	// TypeMigration is the component of a database's migration task.
	TypeMigration = Project + ":compute:Migration"
)

// Issue 12, signing keys out of state: the identity token the BFFs sign is signed in AWS KMS by
// an asymmetric key that never leaves it. The key is a TokenSigner's, tagged DomainTag=
// IdentityDomain (a domain of its own, outside KeyDomains, which the Keyring creates); the
// program reads its public key at deploy time with FuncKMSPublicKey into the verification-key
// secret (kind IdentitySecret, name IdentityVerificationKeyName), and the BFFs receive its ARN.
const (
	TypeTokenSigner                       = Project + ":secrets:TokenSigner"
	IdentityDomain              KeyDomain = "identity" // the identity-token signing key (KMS, SIGN_VERIFY)
	IdentityVerificationKeyName           = "verification-key"
	FuncKMSPublicKey                      = "aws:kms/getPublicKey:getPublicKey"
)

// Issue 12, item 2 (the internal CA as AWS Private CA, vault.certificateAuthority:
// aws-private-ca): a root CA per generation in short-lived certificate mode, its self-signed
// certificate and the installation of that certificate. Each service's task obtains its own
// certificate from it at start (acm-pca:IssueCertificate), so no CA or service key is in the
// state; InternalCA is the vault's output a task's environment names (StoreOutput.Store).
const (
	TypePCACertificateAuthority            = "aws:acmpca/certificateAuthority:CertificateAuthority"
	TypePCACertificate                     = "aws:acmpca/certificate:Certificate"
	TypePCACertificateAuthorityCertificate = "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate"
	InternalCA                             = "internal-ca"
	// PrivateCAEndpoint is the interface endpoint through which tasks without NAT reach AWS
	// Private CA (com.amazonaws.<region>.acm-pca).
	PrivateCAEndpoint = "acm-pca"
)

// Issue 13, images (items 3-5): each service has an ECR repository of its own in the stack
// (a Registry component), encrypted with the images key (ImagesDomain), tags immutable, scanned
// on push, untagged images expired, pulled only by the execution roles it admits (ServiceTag on
// the repository names its service). An opt-in account-wide setting turns on ECR enhanced
// scanning with Amazon Inspector (a RegistryScanning component).
const (
	TypeRegistry                  = Project + ":compute:Registry"
	TypeRegistryScanning          = Project + ":compute:RegistryScanning"
	TypeECRRepository             = "aws:ecr/repository:Repository"
	TypeECRRepositoryPolicy       = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	TypeECRLifecyclePolicy        = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	TypeECRRegistryScanningConfig = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
	TypeInspectorEnabler          = "aws:inspector2/enabler:Enabler"
)

// Issue 13, egress (DNS Firewall): the VPC's Route 53 Resolver DNS Firewall allows the names the
// platform and the services' declared destinations need and blocks every other query; its
// queries are logged to an encrypted log group. A service's domain list carries ServiceTag (the
// service whose declared destinations it holds); the platform's list carries DomainListTag
// PlatformDomains, a service's ServiceDomains, the block-everything list BlockedDomains.
const (
	TypeDNSFirewall               = Project + ":network:DNSFirewall"
	TypeFirewallDomainList        = "aws:route53/resolverFirewallDomainList:ResolverFirewallDomainList"
	TypeFirewallRule              = "aws:route53/resolverFirewallRule:ResolverFirewallRule"
	TypeFirewallRuleGroup         = "aws:route53/resolverFirewallRuleGroup:ResolverFirewallRuleGroup"
	TypeFirewallRuleGroupAssoc    = "aws:route53/resolverFirewallRuleGroupAssociation:ResolverFirewallRuleGroupAssociation" // #nosec G101 -- a type token ("...ASSociation"), not a credential
	TypeFirewallConfig            = "aws:route53/resolverFirewallConfig:ResolverFirewallConfig"
	TypeQueryLogConfig            = "aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig"
	TypeQueryLogConfigAssociation = "aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation"
	TypeLogResourcePolicy         = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"

	// DomainListTag says what a DNS Firewall domain list holds: a DomainListKind.
	DomainListTag = TagPrefix + "domain-list"
)

// DomainListKind is what a DNS Firewall domain list holds (DomainListTag).
type DomainListKind string

// The domain list kinds.
const (
	PlatformDomains DomainListKind = "platform" // what every task resolves: AWS endpoints, Cloud Map, the stores
	ServiceDomains  DomainListKind = "service"  // one service's declared egress destinations (ServiceTag)
	BlockedDomains  DomainListKind = "blocked"  // "*": every name, for the last rule, which blocks
)

func init() { TagKeys = append(TagKeys, DomainListTag) } // issue 13's tag key, kept apart to ease merging
