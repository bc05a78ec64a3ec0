package awslimits

import (
	"fmt"
	"slices"
	"strconv"
)

// FargateMemory is the task memory (MiB) Fargate accepts for one task CPU value: Allowed when
// given, otherwise Min to Max in steps of Step.
type FargateMemory struct {
	Min, Max int   // MiB, inclusive
	Step     int   // MiB between allowed values; 0 when Allowed lists them
	Allowed  []int // the only allowed values, when they are not evenly spaced
}

// allows reports whether a task memory (MiB) is allowed.
func (m FargateMemory) allows(memoryMiB int) bool {
	if len(m.Allowed) > 0 {
		return slices.Contains(m.Allowed, memoryMiB)
	}
	return memoryMiB >= m.Min && memoryMiB <= m.Max && (memoryMiB-m.Min)%m.Step == 0
}

// FargateSizes are the Linux Fargate task sizes: task CPU units (1024 = 1 vCPU) to the memory
// they allow, from "Task size" in
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size.
// RegisterTaskDefinition with requiresCompatibilities FARGATE rejects any other pair.
var FargateSizes = map[int]FargateMemory{
	256:   {Min: 512, Max: 2048, Allowed: []int{512, 1024, 2048}},
	512:   {Min: 1024, Max: 4096, Step: 1024},
	1024:  {Min: 2048, Max: 8192, Step: 1024},
	2048:  {Min: 4096, Max: 16384, Step: 1024},
	4096:  {Min: 8192, Max: 30720, Step: 1024},
	8192:  {Min: 16384, Max: 61440, Step: 4096},
	16384: {Min: 32768, Max: 122880, Step: 8192},
}

// ValidFargateSize reports whether task CPU units and memory (MiB) form a Fargate task size.
func ValidFargateSize(cpu, memoryMiB int) bool {
	m, ok := FargateSizes[cpu]
	return ok && m.allows(memoryMiB)
}

// FargateMemoryChoices describes the memory (MiB) Fargate allows with task CPU units, e.g.
// "512, 1024 or 2048" or "2048 to 8192 in steps of 1024"; "" when cpu is not a Fargate CPU value.
func FargateMemoryChoices(cpu int) string {
	m, ok := FargateSizes[cpu]
	switch {
	case !ok:
		return ""
	case len(m.Allowed) > 0:
		values := make([]string, len(m.Allowed))
		for i, v := range m.Allowed {
			values[i] = strconv.Itoa(v)
		}
		return orList(values)
	}
	return fmt.Sprintf("%d to %d in steps of %d", m.Min, m.Max, m.Step)
}
