// Package componenttest holds every test that runs a component, or the mock itself, under the
// recording mock: one test binary links the AWS SDK for all of them, so that the component
// packages' own tests (their pure planners, in netplan, rolepolicy, bucketpolicy and
// resourcepolicy) build and run without it. Each component has its own test file here, which runs
// it alone with testkit.Component and asserts what it promises: its children, their key inputs
// and tags, protect, dependencies and outputs.
package componenttest
