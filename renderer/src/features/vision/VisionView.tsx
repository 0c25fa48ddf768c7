import { ComingView } from '../../components/ComingView'

export function VisionView(): React.JSX.Element {
  return (
    <ComingView
      title="Vision"
      intro="Label defect images, build datasets, run ONNX models locally and check whether a model is good enough for the line."
      features={[
        'Datasets from folders, drag and drop, or the demo plant camera — with the process context (machine, speed, temperature) kept beside each image',
        'Labeling with classes, boxes and polygons; hotkeys 1–9, undo/redo, review status',
        'Export and import YOLO, COCO, Pascal VOC and class folders',
        'Model registry and batch inference with onnxruntime (pre-labels, evaluation with mAP, confusion matrix, PR curve)',
        'A built-in anomaly model trained from good images only, with a heat-map overlay',
      ]}
      meanwhile={['Nothing to set up yet: the demo camera and the labeling views land with the vision work.']}
    />
  )
}
