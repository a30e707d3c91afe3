package targets

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

func propertyMap(v map[string]any) resource.PropertyMap {
	if v == nil {
		return resource.PropertyMap{}
	}
	return resource.NewPropertyMapFromMap(v)
}
