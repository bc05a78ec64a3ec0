package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/servicediscovery"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// ClusterArgs configures the cluster.
type ClusterArgs struct {
	// Scope is the stack the cluster belongs to; all of it is required. Protect adds Pulumi's
	// protect to the ECS Exec log group.
	stack.Scope
	// VpcID is the VPC of the service discovery namespace. Required.
	VpcID pulumi.StringInput
	// LogsKeyArn is the customer-managed key of the ECS Exec log group. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of the ECS Exec log group, in days: a value CloudWatch
	// Logs accepts. Required.
	LogRetentionDays int
}

// Cluster is the ECS cluster and the Cloud Map namespace its services register in.
type Cluster struct {
	pulumi.ResourceState

	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	ClusterArn  pulumi.StringOutput `pulumi:"clusterArn"`
	NamespaceID pulumi.StringOutput `pulumi:"namespaceId"`
	Namespace   string              // the private DNS namespace, known at plan time
}

// NewCluster creates the cluster (Container Insights on; ECS Exec sessions, if anyone ever enables
// them, logged to an encrypted log group) and the private DNS namespace.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil || args.VpcID == nil || args.LogsKeyArn == nil {
		return nil, fmt.Errorf("cluster: the vpc and the logs key are required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	c := &Cluster{Namespace: naming.ServiceNamespace(args.Stack)}
	if err := ctx.RegisterComponentResource(contract.TypeCluster, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering cluster: %w", err)
	}
	parent := pulumi.Parent(c)
	execLogs, err := cloudwatch.NewLogGroup(ctx, name+"-exec", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.LogGroup("ecs-exec")),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.LogsKeyArn,
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating exec log group: %w", err)
	}
	cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		Configuration: &ecs.ClusterConfigurationArgs{
			ExecuteCommandConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
				Logging: pulumi.String("OVERRIDE"),
				LogConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs{
					CloudWatchLogGroupName:      execLogs.Name,
					CloudWatchEncryptionEnabled: pulumi.Bool(true),
				},
			},
		},
		Tags: pulumi.StringMap{contract.NameTag: pulumi.String(args.Prefix())},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating cluster: %w", err)
	}
	ns, err := servicediscovery.NewPrivateDnsNamespace(ctx, name, &servicediscovery.PrivateDnsNamespaceArgs{
		Name:        pulumi.String(c.Namespace),
		Description: pulumi.String(args.Describe("service discovery; every service's mTLS certificate names <service>." + c.Namespace)),
		Vpc:         args.VpcID,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating service discovery namespace: %w", err)
	}
	c.ClusterName, c.ClusterArn, c.NamespaceID = cluster.Name, cluster.Arn, ns.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"clusterName": c.ClusterName, "clusterArn": c.ClusterArn, "namespaceId": c.NamespaceID}); err != nil {
		return nil, fmt.Errorf("registering cluster outputs: %w", err)
	}
	return c, nil
}
