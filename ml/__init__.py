"""Framework-free emotion model code: model builder, checkpoints, face detection and inference."""
