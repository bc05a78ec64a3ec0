package compute

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute/rolepolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// ContainerUser is the non-root user every container runs as (Security Hub ECS.20).
const ContainerUser = "10001:10001"

// The writable /tmp of a container whose root filesystem is read-only: a tmpfs (memory-backed,
// gone with the task, counted against the task's memory), which ECS on Fargate mounts since
// January 2026 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tmpfs.html). A
// tmpfs is world-writable with the sticky bit (mode 1777) unless told otherwise, so the non-root
// user can write to it; a Fargate bind-mount volume is owned by root (0755) and it could not.
// nosuid and nodev keep setuid binaries and device files out of it; exec stays allowed, since
// runtimes (Java, Python wheels) unpack native libraries into /tmp.
const TmpSizeMiB = 64

var tmpMountOptions = []string{"nosuid", "nodev"}

// InjectedSecret is a Secrets Manager value ECS injects into the container as an environment
// variable at start, through the execution role; it never appears in the task definition.
type InjectedSecret struct {
	Env     string             // the environment variable's name. Required.
	Arn     pulumi.StringInput // the secret's ARN. Required.
	JSONKey string             // a key of the secret's JSON value; optional, "" for the whole value
	// Ready is what must exist before a task can read the secret (its value and its resource
	// policy): ECS resolves the secrets when it launches a task, so the ECS service waits for it.
	Ready []pulumi.Resource
}

// BucketAccess is what a service may do with a bucket.
type BucketAccess struct {
	Name        string             // the bucket's config name
	Arn         pulumi.StringInput // the bucket's ARN. Required.
	Read, Write bool               // what the service may do with its objects; at least one
}

// DatabaseAccess lets a service (the database's owner) connect with IAM authentication as its
// own database user, and as nothing else: the master secret is its migration task's alone.
type DatabaseAccess struct {
	Name       string             // the database's config name
	ResourceID pulumi.StringInput // the instance's resource id (db-...), which IAM auth names. Required.
	User       string             // the database user the service connects as. Required.
}

// ServiceArgs configures a service.
type ServiceArgs struct {
	// Scope is the stack the service belongs to; all of it is required. Protect keeps the
	// service's log group from deletion (staging and prod).
	stack.Scope
	// ServiceSettings are the image, port, task size and count, as the spec holds them (Image,
	// Port and DesiredCount required; CPU and Memory a Fargate size).
	ServiceSettings
	// HealthCheckGraceSeconds gives tasks behind a load balancer time to start, in seconds.
	// Optional, default 0; used only with TargetGroupArn.
	HealthCheckGraceSeconds int

	// ClusterArn and NamespaceID are the Cluster's. Required.
	ClusterArn  pulumi.StringInput
	NamespaceID pulumi.StringInput
	// PrivateSubnetIDs are the private tier's subnets, where the tasks run. Required.
	PrivateSubnetIDs pulumi.StringArrayInput
	// SecurityGroupIDs are the tasks' groups (the service's own and the shared all-services
	// group). Required.
	SecurityGroupIDs pulumi.StringArrayInput
	// TaskRole and ExecutionRole are the service's roles (Identities'); the service attaches their
	// permissions. Required.
	TaskRole      *iam.Role
	ExecutionRole *iam.Role

	// LogsKeyArn is the key of the service's log group. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of the service's log group, in days: a value CloudWatch
	// Logs accepts. Required.
	LogRetentionDays int
	// SecretsKeyArn is the key of the secrets it is given. Required.
	SecretsKeyArn pulumi.StringInput
	// DataKeyArn is the key of the buckets it uses. Required with Buckets.
	DataKeyArn pulumi.StringInput

	// Secrets are injected into the container at start. Optional.
	Secrets []InjectedSecret
	// Environment is the container's environment, by variable name. Optional.
	Environment map[string]pulumi.StringInput
	// Buckets and Databases are what its code may use. Optional.
	Buckets   []BucketAccess
	Databases []DatabaseAccess
	// SigningKeyArn is the KMS key a BFF signs identity tokens with (kms:Sign, ECDSA_SHA_256).
	// Optional: BFFs only.
	SigningKeyArn pulumi.StringInput
	// CertificateAuthorityArn is the AWS Private CA the tasks obtain their mTLS certificate
	// from (acm-pca:IssueCertificate with the end-entity template, acm-pca:GetCertificate).
	// Optional: only when the internal CA is AWS Private CA.
	CertificateAuthorityArn pulumi.StringInput
	// TargetGroupArn registers the tasks with a BFF's load balancer. Optional.
	TargetGroupArn pulumi.StringInput
	// DependsOn holds what else must exist before the service starts its first task: a BFF's
	// listener (ECS refuses a target group without a load balancer), and the network its tasks
	// need at start (the security group rules of its groups, the VPC endpoints, the route to NAT).
	// Optional.
	DependsOn []pulumi.Resource
}

// Service is one microservice on Fargate, in the private tier, registered in Cloud Map.
type Service struct {
	pulumi.ResourceState

	ServiceName    pulumi.StringOutput `pulumi:"serviceName"`
	TaskDefinition pulumi.StringOutput `pulumi:"taskDefinition"`
	LogGroupName   pulumi.StringOutput `pulumi:"logGroupName"`
}

func (a *ServiceArgs) validate(name string) error {
	switch {
	case a == nil:
		return fmt.Errorf("service %s: args are required", name)
	case a.TaskRole == nil || a.ExecutionRole == nil:
		return fmt.Errorf("service %s: task and execution roles are required", name)
	case a.ClusterArn == nil || a.NamespaceID == nil || a.PrivateSubnetIDs == nil || a.SecurityGroupIDs == nil:
		return fmt.Errorf("service %s: cluster, namespace, private subnets and security groups are required", name)
	case a.LogsKeyArn == nil || a.SecretsKeyArn == nil:
		return fmt.Errorf("service %s: the logs and secrets keys are required", name)
	case len(a.Buckets) > 0 && a.DataKeyArn == nil:
		return fmt.Errorf("service %s: the data key is required to use buckets", name)
	case a.Port < 1 || a.Port > 65535 || a.DesiredCount < 1:
		return fmt.Errorf("service %s: port and desired count are required", name)
	case a.Check() != nil:
		return fmt.Errorf("service %s: %w", name, a.Check())
	}
	return nil
}

// NewService creates a service: its log group, the permissions of its two roles (naming exact
// ARNs), its task definition (read-only root filesystem, non-root, secrets injected from Secrets
// Manager) and its ECS service (private subnets, no public IP, circuit breaker with rollback).
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if err := args.validate(name); err != nil {
		return nil, err
	}
	s := &Service{}
	if err := ctx.RegisterComponentResource(contract.TypeService, name, s, opts...); err != nil {
		return nil, fmt.Errorf("registering service %s: %w", name, err)
	}
	parent := pulumi.Parent(s)
	tags := pulumi.StringMap{contract.ServiceTag: pulumi.String(name)}

	logs, err := newTaskLogGroup(ctx, name, args.ServiceLogGroup(name), args.LogRetentionDays, args.LogsKeyArn, tags, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}

	execPolicy, err := grantExecution(ctx, name, s, args.ExecutionRole, args.Image, args.Region, logs, args.SecretsKeyArn, args.Secrets)
	if err != nil {
		return nil, err
	}
	taskPolicy, err := s.taskPolicy(ctx, name, args)
	if err != nil {
		return nil, err
	}

	containers := containerDefinitions(name, args.Image, args.Region, args.Port, args.Environment, args.Secrets, logs)
	td, err := newFargateTaskDefinition(ctx, name, args.Scope.Name(name), args.CPU, args.Memory, args.ExecutionRole, args.TaskRole, containers, tags, parent)
	if err != nil {
		return nil, err
	}

	discovery, err := servicediscovery.NewService(ctx, name, &servicediscovery.ServiceArgs{
		Name:        pulumi.String(name),
		Description: pulumi.Sprintf("tasks of the %s service", name),
		DnsConfig: &servicediscovery.ServiceDnsConfigArgs{
			NamespaceId:   args.NamespaceID,
			RoutingPolicy: pulumi.String("MULTIVALUE"),
			DnsRecords:    servicediscovery.ServiceDnsConfigDnsRecordArray{&servicediscovery.ServiceDnsConfigDnsRecordArgs{Ttl: pulumi.Int(10), Type: pulumi.String("A")}},
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating service discovery of %s: %w", name, err)
	}

	svcArgs := &ecs.ServiceArgs{
		Cluster:         args.ClusterArn,
		TaskDefinition:  td.Arn,
		DesiredCount:    pulumi.Int(args.DesiredCount),
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String("LATEST"),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        args.PrivateSubnetIDs,
			SecurityGroups: args.SecurityGroupIDs,
			AssignPublicIp: pulumi.Bool(false),
		},
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		AvailabilityZoneRebalancing:     pulumi.String("ENABLED"),
		EnableExecuteCommand:            pulumi.Bool(false),
		EnableEcsManagedTags:            pulumi.Bool(true),
		PropagateTags:                   pulumi.String("SERVICE"),
		ServiceRegistries:               &ecs.ServiceServiceRegistriesArgs{RegistryArn: discovery.Arn},
		// pulumi up does not wait for tasks to run: a service whose image is not pushed yet (the
		// first deploy, README "Images") fails its own deployment, not the stack's.
		WaitForSteadyState: pulumi.Bool(false),
		Tags:               tags,
	}
	if args.TargetGroupArn != nil {
		svcArgs.LoadBalancers = ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: args.TargetGroupArn, ContainerName: pulumi.String(name), ContainerPort: pulumi.Int(args.Port),
		}}
		svcArgs.HealthCheckGracePeriodSeconds = pulumi.Int(args.HealthCheckGraceSeconds)
	}
	// A task reads its secrets, pulls its image and writes its logs as it starts, and its code
	// uses its grants at once: nothing it needs may still be in flight when the first one launches.
	before := []pulumi.Resource{execPolicy}
	if taskPolicy != nil {
		before = append(before, taskPolicy)
	}
	for _, sec := range args.Secrets {
		before = append(before, sec.Ready...)
	}
	before = append(before, args.DependsOn...)
	service, err := ecs.NewService(ctx, name, svcArgs, parent, pulumi.DependsOn(before))
	if err != nil {
		return nil, fmt.Errorf("creating ecs service %s: %w", name, err)
	}

	s.ServiceName, s.TaskDefinition, s.LogGroupName = service.Name, td.Arn, logs.Name
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"serviceName": s.ServiceName, "taskDefinition": s.TaskDefinition, "logGroupName": s.LogGroupName}); err != nil {
		return nil, fmt.Errorf("registering service %s outputs: %w", name, err)
	}
	return s, nil
}

// grantExecution lets ECS pull the image, write the logs and inject the secrets of one task
// definition (a service's, or a migration's), naming each resource: the execution role's policy
// <name>-exec, a child of parent.
func grantExecution(ctx *pulumi.Context, name string, parent pulumi.Resource, role *iam.Role, image, region string, logs *cloudwatch.LogGroup,
	secretsKeyArn pulumi.StringInput, secrets []InjectedSecret) (*iam.RolePolicy, error) {
	inputs := []any{logs.Arn, secretsKeyArn}
	for _, sec := range secrets {
		inputs = append(inputs, sec.Arn)
	}
	doc := pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		var secretArns []string
		for _, x := range xs[2:] {
			secretArns = append(secretArns, x.(string))
		}
		return rolepolicy.ExecutionPolicy(image, region, xs[0].(string), xs[1].(string), secretArns).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(ctx, name+"-exec", &iam.RolePolicyArgs{Role: role.Name, Policy: doc}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("granting the execution role of %s: %w", name, err)
	}
	return policy, nil
}

// taskPolicy lets the running code use its buckets, connect to the databases it owns and, for a
// BFF, sign identity tokens; a service with none of these gets no policy at all (nil).
func (s *Service) taskPolicy(ctx *pulumi.Context, name string, args *ServiceArgs) (*iam.RolePolicy, error) {
	if len(args.Buckets) == 0 && len(args.Databases) == 0 && args.SigningKeyArn == nil && args.CertificateAuthorityArn == nil {
		return nil, nil
	}
	orNone := func(in pulumi.StringInput) pulumi.StringInput {
		if in == nil {
			return pulumi.String("")
		}
		return in
	}
	inputs := []any{orNone(args.DataKeyArn), orNone(args.SigningKeyArn), orNone(args.CertificateAuthorityArn)}
	for _, b := range args.Buckets {
		inputs = append(inputs, b.Arn)
	}
	for _, d := range args.Databases {
		inputs = append(inputs, d.ResourceID)
	}
	doc := pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		grants := xs[3:]
		buckets := make([]rolepolicy.BucketGrant, len(args.Buckets))
		for i, b := range args.Buckets {
			buckets[i] = rolepolicy.BucketGrant{Arn: grants[i].(string), Read: b.Read, Write: b.Write}
		}
		grants = grants[len(args.Buckets):]
		dbs := make([]rolepolicy.DatabaseGrant, len(args.Databases))
		for i, d := range args.Databases {
			dbs[i] = rolepolicy.DatabaseGrant{ResourceID: grants[i].(string), User: d.User}
		}
		return rolepolicy.TaskPolicy(args.Region, args.AccountID, xs[0].(string), buckets, dbs, xs[1].(string), xs[2].(string)).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(ctx, name+"-task", &iam.RolePolicyArgs{Role: args.TaskRole.Name, Policy: doc}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("granting the task role of %s: %w", name, err)
	}
	return policy, nil
}

type containerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	User                   string           `json:"user"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	Privileged             bool             `json:"privileged"`
	PortMappings           []portMapping    `json:"portMappings"`
	Environment            []nameValue      `json:"environment"`
	Secrets                []secretRef      `json:"secrets,omitempty"`
	MountPoints            []mountPoint     `json:"mountPoints"`
	LinuxParameters        linuxParameters  `json:"linuxParameters"`
	LogConfiguration       logConfiguration `json:"logConfiguration"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	Name          string `json:"name"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type linuxParameters struct {
	Capabilities       capabilities `json:"capabilities"`
	InitProcessEnabled bool         `json:"initProcessEnabled"`
	Tmpfs              []tmpfs      `json:"tmpfs"`
}

type tmpfs struct {
	ContainerPath string   `json:"containerPath"`
	Size          int      `json:"size"`
	MountOptions  []string `json:"mountOptions"`
}

type capabilities struct {
	Drop []string `json:"drop"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// containerDefinitions renders the one container of a task: named name, listening on port (0
// for a task that listens on none, such as a migration), as ContainerUser on a read-only root
// filesystem with a tmpfs /tmp and every capability dropped, logging to logs. Everything secret
// arrives through `secrets` (valueFrom a Secrets Manager ARN); the environment holds only names
// and addresses.
func containerDefinitions(name, image, region string, port int, env map[string]pulumi.StringInput, secrets []InjectedSecret, logs *cloudwatch.LogGroup) pulumi.StringOutput {
	envNames := make([]string, 0, len(env))
	for k := range env {
		envNames = append(envNames, k)
	}
	sort.Strings(envNames)
	inputs := []any{logs.Name}
	for _, k := range envNames {
		inputs = append(inputs, env[k])
	}
	for _, sec := range secrets {
		inputs = append(inputs, sec.Arn)
	}
	return pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		def := containerDefinition{
			Name:                   name,
			Image:                  image,
			Essential:              true,
			User:                   ContainerUser,
			ReadonlyRootFilesystem: true,
			PortMappings:           []portMapping{},
			MountPoints:            []mountPoint{},
			LinuxParameters: linuxParameters{Capabilities: capabilities{Drop: []string{"ALL"}}, InitProcessEnabled: true,
				Tmpfs: []tmpfs{{ContainerPath: "/tmp", Size: TmpSizeMiB, MountOptions: tmpMountOptions}}},
			LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": xs[0].(string), "awslogs-region": region, "awslogs-stream-prefix": name,
			}},
		}
		if port > 0 {
			def.PortMappings = []portMapping{{ContainerPort: port, Protocol: "tcp", Name: name}}
		}
		for i, k := range envNames {
			def.Environment = append(def.Environment, nameValue{Name: k, Value: xs[1+i].(string)})
		}
		for i, sec := range secrets {
			from := xs[1+len(envNames)+i].(string)
			if sec.JSONKey != "" {
				from += ":" + sec.JSONKey + "::"
			}
			def.Secrets = append(def.Secrets, secretRef{Name: sec.Env, ValueFrom: from})
		}
		sort.Slice(def.Secrets, func(i, j int) bool { return def.Secrets[i].Name < def.Secrets[j].Name })
		data, err := json.Marshal([]containerDefinition{def})
		return string(data), err
	}).(pulumi.StringOutput)
}
