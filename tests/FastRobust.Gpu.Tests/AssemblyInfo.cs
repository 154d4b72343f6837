using Xunit;

// One ILGPU accelerator serves the whole process and is driven by one host thread at a time (as the engine drives
// a device): ILGPU's CPU accelerator does not accept launches from several threads at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
