"""Convert MTCNN's output network (ONet) from the facenet-pytorch wheel to the ONNX file the face stage ships.

    pip download --no-deps facenet-pytorch==2.6.0 -d /tmp/fnp
    unzip -o /tmp/fnp/facenet_pytorch-2.6.0-py3-none-any.whl -d /tmp/fnp/x
    python -m training.import_onet --weights /tmp/fnp/x/facenet_pytorch/data/onet.pt --out ml/weights/mtcnn/onet.onnx

ONet (Zhang et al., "Joint Face Detection and Alignment using Multi-task Cascaded Convolutional Networks",
2016) is MTCNN's last stage: it reads a 48x48 RGB square around a candidate and says how likely it is a face.
The face stage uses it to judge YuNet's doubtful faces (`ml.faces.FaceDetector.face_probability`). The
network is rebuilt here layer by layer as facenet-pytorch 2.6.0 defines it (MIT licence), its state dict
loaded, exported with a dynamic batch and checked against torch on random inputs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from torch import nn


class ONet(nn.Module):
    """MTCNN's ONet with facenet-pytorch's layer names; returns the face probability only."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=3)
        self.prelu1 = nn.PReLU(32)
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3)
        self.prelu2 = nn.PReLU(64)
        self.pool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv3 = nn.Conv2d(64, 64, kernel_size=3)
        self.prelu3 = nn.PReLU(64)
        self.pool3 = nn.MaxPool2d(2, 2, ceil_mode=True)
        self.conv4 = nn.Conv2d(64, 128, kernel_size=2)
        self.prelu4 = nn.PReLU(128)
        self.dense5 = nn.Linear(1152, 256)
        self.prelu5 = nn.PReLU(256)
        self.dense6_1 = nn.Linear(256, 2)  # face / not a face
        self.dense6_2 = nn.Linear(256, 4)  # box refinement (unused here)
        self.dense6_3 = nn.Linear(256, 10)  # landmarks (unused here)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(self.prelu1(self.conv1(x)))
        x = self.pool2(self.prelu2(self.conv2(x)))
        x = self.pool3(self.prelu3(self.conv3(x)))
        x = self.prelu4(self.conv4(x))
        # The converted Caffe weights expect the (W, H) order of the original network when flattening.
        x = x.permute(0, 3, 2, 1).contiguous()
        x = self.prelu5(self.dense5(x.view(x.shape[0], -1)))
        return torch.softmax(self.dense6_1(x), dim=1)[:, 1]


def convert(weights: Path, out: Path) -> float:
    """Write the ONNX file; returns the largest difference to torch on random 48x48 inputs."""
    model = ONet()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    model.eval()
    sample = torch.rand(8, 3, 48, 48) * 2 - 1
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        model,
        (sample,),
        str(out),
        input_names=["input"],
        output_names=["face_probability"],
        dynamic_axes={"input": {0: "batch"}, "face_probability": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = model(sample).numpy()
    got = session.run(None, {"input": sample.numpy()})[0]
    return float(np.abs(expected - got).max())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--weights", type=Path, required=True, help="facenet_pytorch/data/onet.pt")
    parser.add_argument("--out", type=Path, default=Path("ml/weights/mtcnn/onet.onnx"))
    args = parser.parse_args(argv)
    difference = convert(args.weights, args.out)
    print(f"wrote {args.out}; max |onnxruntime - torch| = {difference:.2e}")
    return 0 if difference < 1e-5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
