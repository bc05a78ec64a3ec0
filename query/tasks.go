package query

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Container is one container definition of an ECS task definition, as the checks read it.
type Container struct {
	Name                   string `json:"name"`
	Image                  string `json:"image"` // the image reference ECS pulls
	User                   string `json:"user"`  // "uid[:gid]" or a user name; "" for the image's default
	ReadonlyRootFilesystem bool   `json:"readonlyRootFilesystem"`
	Privileged             bool   `json:"privileged"`
	Environment            []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
	MountPoints []struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	} `json:"mountPoints"`
	PortMappings []struct {
		ContainerPort      int    `json:"containerPort"`
		ContainerPortRange string `json:"containerPortRange"`
	} `json:"portMappings"`
	LinuxParameters struct {
		Capabilities struct {
			Add  []string `json:"add"`
			Drop []string `json:"drop"`
		} `json:"capabilities"`
		Tmpfs []struct {
			ContainerPath string   `json:"containerPath"`
			Size          int      `json:"size"` // MiB
			MountOptions  []string `json:"mountOptions"`
		} `json:"tmpfs"`
	} `json:"linuxParameters"`
	SystemControls []struct {
		Namespace string `json:"namespace"`
		Value     string `json:"value"`
	} `json:"systemControls"`
}

// Containers parses the container definitions of a task definition; an error when they are
// absent or not valid JSON.
func Containers(td *Resource) ([]Container, error) {
	var out []Container
	err := json.Unmarshal([]byte(Str(td, "containerDefinitions")), &out)
	return out, err
}

// LowestPorts returns the lowest port of each port mapping (a single port or a range "80-90").
func (c Container) LowestPorts() []int {
	var out []int
	for _, p := range c.PortMappings {
		if p.ContainerPort > 0 {
			out = append(out, p.ContainerPort)
		}
		if lo, _, found := strings.Cut(p.ContainerPortRange, "-"); found || p.ContainerPortRange != "" {
			if n, err := strconv.Atoi(strings.TrimSpace(lo)); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// GID is the group a container runs as ("" when the user names none).
func (c Container) GID() string {
	_, group, _ := strings.Cut(c.User, ":")
	if n, err := strconv.Atoi(group); err == nil {
		return strconv.Itoa(n)
	}
	return group
}

// UID is the user a container runs as ("" for the image's default, which is root unless the
// image says otherwise and is not known here).
func (c Container) UID() string {
	user, _, _ := strings.Cut(c.User, ":")
	if n, err := strconv.Atoi(user); err == nil {
		return strconv.Itoa(n) // "00" is 0
	}
	return user
}

// NonRoot reports whether a container runs as a user other than root.
func (c Container) NonRoot() bool {
	uid := c.UID()
	return uid != "" && uid != "root" && uid != "0"
}

// LowestBindablePort is the lowest port the container's user can bind: 0 for root, else the
// net.ipv4.ip_unprivileged_port_start the task sets (1024, Linux's default, when it sets none).
// Fargate lets a task add no capability but SYS_PTRACE, so CAP_NET_BIND_SERVICE is no way out.
func (c Container) LowestBindablePort() int {
	if !c.NonRoot() {
		return 0
	}
	for _, sc := range c.SystemControls {
		if sc.Namespace == "net.ipv4.ip_unprivileged_port_start" {
			if n, err := strconv.Atoi(sc.Value); err == nil {
				return n
			}
		}
	}
	return 1024
}
