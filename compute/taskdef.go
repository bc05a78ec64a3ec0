package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newTaskLogGroup creates the log group <name>-logs a task definition's containers write to:
// named path, encrypted with the logs key, kept retentionDays days.
func newTaskLogGroup(ctx *pulumi.Context, name, path string, retentionDays int, logsKeyArn pulumi.StringInput, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*cloudwatch.LogGroup, error) {
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(path),
		RetentionInDays: pulumi.Int(retentionDays),
		KmsKeyId:        logsKeyArn,
		Tags:            tags,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating log group of %s: %w", name, err)
	}
	return logs, nil
}

// newFargateTaskDefinition creates a Linux x86-64 Fargate task definition in awsvpc mode: cpu
// (CPU units) and memory (MiB) a Fargate size, its two roles, its containers.
func newFargateTaskDefinition(ctx *pulumi.Context, name, family string, cpu, memory int, execRole, taskRole *iam.Role,
	containers pulumi.StringInput, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*ecs.TaskDefinition, error) {
	td, err := ecs.NewTaskDefinition(ctx, name, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(family),
		Cpu:                     pulumi.String(fmt.Sprint(cpu)),
		Memory:                  pulumi.String(fmt.Sprint(memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.ToStringArray([]string{"FARGATE"}),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String("X86_64"),
		},
		ExecutionRoleArn:     execRole.Arn,
		TaskRoleArn:          taskRole.Arn,
		ContainerDefinitions: containers,
		Tags:                 tags,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating task definition of %s: %w", name, err)
	}
	return td, nil
}
