package edge

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }
